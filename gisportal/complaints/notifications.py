"""E-mails to the reporter (and the "me too" followers) when a report changes publicly."""

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from gisportal.complaints.models import ComplaintUpdate

logger = logging.getLogger(__name__)
# Reporters write in Arabic or French, and we do not ask which: every e-mail carries both.
LANGUAGES = ("ar", "fr")


def _recipients(update: ComplaintUpdate) -> list[str]:
    contacts = [update.complaint.reporter_contact, *update.complaint.followers.values_list("contact", flat=True)]
    return sorted({contact for contact in contacts if "@" in contact})


def _message(update: ComplaintUpdate, language: str) -> tuple[str, str]:
    with translation.override(language):
        status = update.get_status_display()
        subject = _("Report %(code)s: %(status)s") % {"code": update.complaint.tracking_code, "status": status}
        body = subject + ("\n\n" + update.note if update.note else "")
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
    transaction.on_commit(lambda: _send(messages, update.complaint.tracking_code))


def _send(messages: list[tuple[str, str, str, list[str]]], code: str) -> None:
    try:
        send_mass_mail(messages)
    except (smtplib.SMTPException, OSError) as error:
        # The update is saved and shown on the status page; a mail server outage must not undo it.
        logger.warning("e-mail about report %s not sent: %s", code, error)
