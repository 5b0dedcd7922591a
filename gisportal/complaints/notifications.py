"""E-mails to the reporter (and the "me too" followers) when a report changes publicly."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from gisportal import jobs
from gisportal.complaints.models import ComplaintUpdate
from gisportal.complaints.tasks import send_update

# Reporters write in Arabic or French, and we do not ask which: every e-mail carries both.
LANGUAGES = ("ar", "fr")


def _recipients(update: ComplaintUpdate) -> list[str]:
    contacts = [update.complaint.reporter_contact, *update.complaint.followers.values_list("contact", flat=True)]
    return sorted({contact for contact in contacts if "@" in contact})


def _message(update: ComplaintUpdate, language: str) -> tuple[str, str]:
    code = update.complaint.tracking_code
    with translation.override(language):
        status = update.get_status_display()
        subject = _("Report %(code)s: %(status)s") % {"code": code, "status": status}
        page = settings.SITE_URL + reverse("complaints:status", args=[code])  # in this language's URL
        body = subject + ("\n\n" + update.note if update.note else "")
        body += "\n\n" + _("Follow your report: %(url)s") % {"url": page}
    return subject, body


def notify_public_update(update: ComplaintUpdate) -> None:
    """After the transaction commits, e-mail the public change to everyone who left an e-mail address."""
    if not update.is_public or update.by_reporter:
        return
    recipients = _recipients(update)
    if not recipients:
        return
    subjects, bodies = zip(*(_message(update, language) for language in LANGUAGES), strict=True)
    subject = " / ".join(dict.fromkeys(subjects))
    body = "\n\n———\n\n".join(bodies)
    sender = settings.DEFAULT_FROM_EMAIL
    # One message per recipient: followers never see each other's addresses.
    messages = [(subject, body, sender, [address]) for address in recipients]
    code = update.complaint.tracking_code
    # Sent by the worker: a slow mail server never holds up the planner's request.
    transaction.on_commit(lambda: jobs.dispatch(send_update, messages, code))  # inline if the broker is down
