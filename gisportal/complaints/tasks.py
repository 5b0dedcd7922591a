"""Background work of the complaints app, on Celery (inline when no broker is configured)."""

import logging
import smtplib

from celery import shared_task
from django.core.mail import send_mass_mail

logger = logging.getLogger(__name__)


@shared_task
def send_update(messages: list[tuple[str, str, str, list[str]]], code: str) -> None:
    """The e-mails of one public update of report `code`, one per recipient."""
    try:
        send_mass_mail(messages)
    except (smtplib.SMTPException, OSError) as error:
        # The update is saved and shown on the status page; a mail server outage must not undo it.
        logger.warning("e-mail about report %s not sent: %s", code, error)
