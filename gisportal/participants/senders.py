"""How one-time codes and notices reach a participant: e-mail, an SMS gateway, or the console (local mode).

The SMS sender is a setting (`PARTICIPANTS_SMS_SENDER`, a dotted path); `HttpSmsGateway` speaks the plain
JSON POST that most gateways accept, with `PARTICIPANTS_SMS_GATEWAY_URL` and `PARTICIPANTS_SMS_GATEWAY_TOKEN`.
"""

import json
import logging
import urllib.request
from typing import ClassVar, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class Sender(Protocol):
    def send(self, *, to: str, subject: str, message: str) -> None: ...


class EmailSender:
    def send(self, *, to: str, subject: str, message: str) -> None:
        send_mail(subject, message, None, [to])


class ConsoleSender:
    """Writes the message to the log and keeps it in `outbox` (local mode and tests: no SMS leaves)."""

    outbox: ClassVar[list[tuple[str, str]]] = []

    def send(self, *, to: str, subject: str, message: str) -> None:
        self.outbox.append((to, message))
        logger.warning("SMS to %s: %s", to, message)


class HttpSmsGateway:
    def send(self, *, to: str, subject: str, message: str) -> None:
        body = json.dumps({"to": to, "text": message}).encode()
        request = urllib.request.Request(  # noqa: S310 (the URL is the administrator's setting)
            settings.PARTICIPANTS_SMS_GATEWAY_URL,
            data=body,
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.PARTICIPANTS_SMS_GATEWAY_TOKEN}",
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            response.read()


def sender_for(contact: str) -> Sender:
    """E-mail for an address, the configured SMS sender for a phone number."""
    if "@" in contact:
        return EmailSender()
    return import_string(settings.PARTICIPANTS_SMS_SENDER)()
