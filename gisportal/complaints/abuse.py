"""Abuse control for citizen intake: ban list and rate limits (Django's cache, per IP and per contact)."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from gisportal.cache import local_limit
from gisportal.complaints.models import Ban

# Reports allowed per window; settings may override them (the intake benchmark raises them).
RATE_LIMIT_WINDOW_S = 3600


def _limits() -> tuple[int, int]:
    return (
        int(getattr(settings, "COMPLAINTS_REPORTS_PER_IP_PER_HOUR", 20)),
        int(getattr(settings, "COMPLAINTS_REPORTS_PER_CONTACT_PER_HOUR", 10)),
    )


class RateLimited(Exception):
    """Too many reports from one IP address or one contact in the window."""


class Banned(PermissionDenied):
    """The IP address or the contact is on the ban list."""


# Three photos at their limit and the form's text: anything larger is refused unread (413).
MAX_REQUEST_BYTES = 3 * 8 * 1024 * 1024 + 1024 * 1024


def body_too_large(meta: dict) -> bool:
    """Whether a request announces a body larger than a report can be (the proxy should cap it too)."""
    try:
        return int(meta.get("CONTENT_LENGTH") or 0) > MAX_REQUEST_BYTES
    except ValueError:
        return True


def normalise_contact(contact: str) -> str:
    return "".join(contact.lower().split())


def check_ban(*, ip: str, contact: str) -> None:
    banned = Q(kind=Ban.Kind.IP, value=ip) if ip else Q(pk__in=[])
    if contact:
        banned |= Q(kind=Ban.Kind.CONTACT, value=normalise_contact(contact))
    if Ban.objects.filter(banned).exists():
        raise Banned()


def _key(kind: str, value: str) -> str:
    return "complaints:rate:" + kind + ":" + hashlib.sha256(value.encode()).hexdigest()[:32]


def count_against(counters: list[tuple[str, int]]) -> None:
    """Count one request against each (key, limit) in the window; raise RateLimited past a limit."""
    for key, limit in counters:
        cache.add(key, 0, RATE_LIMIT_WINDOW_S)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, RATE_LIMIT_WINDOW_S)
            count = 1
        if count > local_limit(limit):  # a share of it while Redis is down and each process counts alone
            raise RateLimited(key)


def hit_rate_limit(*, ip: str, contact: str) -> None:
    """Count one report against its IP and contact; raise RateLimited past the limits."""
    per_ip, per_contact = _limits()
    counters = [(_key("ip", ip), per_ip)] if ip else []
    if contact:
        counters.append((_key("contact", normalise_contact(contact)), per_contact))
    count_against(counters)


def hit_participation_limit(*, action: str, ip: str, contact: str = "") -> None:
    """The same window for participation (codes sent, proposals, ballots), with its own counters per action."""
    per_ip = int(getattr(settings, "PARTICIPATION_ACTIONS_PER_IP_PER_HOUR", 30))
    per_contact = int(getattr(settings, "PARTICIPATION_ACTIONS_PER_CONTACT_PER_HOUR", 5))
    counters = [(_key(action + ":ip", ip), per_ip)] if ip else []
    if contact:
        counters.append((_key(action + ":contact", normalise_contact(contact)), per_contact))
    count_against(counters)
