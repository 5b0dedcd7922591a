"""Followers of a tracked project hear of each change, by e-mail or SMS, once it is stored."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from gisportal.budgeting.models import ProjectFollower, TrackedProject
from gisportal.participants.senders import sender_for


def project_changed(project: TrackedProject, what: str) -> None:
    followers = ProjectFollower.objects.filter(project=project).values_list("participant__contact", flat=True)
    contacts = [contact for contact in followers if contact]  # paper participants have no contact
    if not contacts:
        return
    budget = project.budget
    url = settings.SITE_URL + reverse(
        "budgeting:project", kwargs={"code": budget.municipality.code, "year": budget.year, "pk": project.pk}
    )
    subject = _("Project %(title)s: %(status)s, %(progress)s%% done") % {
        "title": project.title,
        "status": project.get_status_display(),
        "progress": project.progress,
    }
    message = subject + (f"\n{what}" if what else "") + "\n" + url

    def send() -> None:
        for contact in contacts:  # one message each: followers never see each other's contacts
            sender_for(contact).send(to=contact, subject=subject, message=message)

    transaction.on_commit(send)
