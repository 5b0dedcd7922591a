"""A question's author hears, by e-mail or SMS, when it is published, not published (and why) or answered."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from gisportal.council.models import Question
from gisportal.participants.senders import sender_for


def question_changed(question: Question) -> None:
    """Sent once the change is stored; never to anyone but the author (paper participants have no contact)."""
    contact = question.author.contact
    if not contact:
        return
    meeting = question.meeting
    url = settings.SITE_URL + reverse("council:meeting", kwargs={"code": meeting.municipality.code, "pk": meeting.pk})
    if question.answered_at:
        subject = _("The council answered your question for %(meeting)s") % {"meeting": meeting.title}
        body = question.answer
    elif question.status == Question.Status.PUBLISHED:
        subject = _("Your question for %(meeting)s is published") % {"meeting": meeting.title}
        body = _("Others can now support it.")
    else:
        subject = _("Your question for %(meeting)s was not published") % {"meeting": meeting.title}
        body = question.rejection_reason
    message = f"{subject}\n{body}\n{url}#q{question.pk}"
    transaction.on_commit(lambda: sender_for(contact).send(to=contact, subject=subject, message=message))
