"""Reads on a PostgreSQL streaming replica where DATABASE_REPLICA_URL is set; writes always on the primary.

A request may read from the replica when it is a safe one (GET, HEAD, OPTIONS) from a client that has not written
lately. Whatever writes — an unsafe method, or the first write of a GET — reads from the primary for the rest of the
request, and its client gets a cookie that keeps its reads on the primary for REPLICA_PIN_SECONDS: a citizen who
reported a problem sees it on the next page even while the replica lags. API clients that keep no cookies (QGIS
re-reading the features it just edited, an Open311 app) are pinned by their Authorization header, in the shared
cache. Background jobs, the command line and the
tests read from the primary (no request, no replica). Accounts, sessions and login throttling always read from the
primary: a revoked role or a lockout must apply at once. A replica out of reach sends the reads to the primary,
said in the log, and is tried again after RETRY_SECONDS.

Raw SQL readers take their connection from `reading_connection()`, which follows the same rule as the ORM.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("gisportal.db")

REPLICA = "replica"
RETRY_SECONDS = 5.0
PIN_COOKIE = "gisportal_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Read where they are written: who may do what, who is logged in, who is locked out.
PRIMARY_ONLY_APPS = frozenset({"auth", "accounts", "sessions", "axes", "authtoken", "otp_totp", "otp_static"})


@dataclass
class _Reads:
    on_replica: bool
    wrote: bool = False


_request: ContextVar[_Reads | None] = ContextVar("gisportal_reads", default=None)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class _ReplicaOutage:
    """This process's view of the replica, shared by its threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down = False
        self.retry_at = 0.0


_outage = _ReplicaOutage()


def replica_reachable() -> bool:
    """Whether this request may read from the replica: connected (checked as Django checks any reused connection)."""
    if time.monotonic() < _outage.retry_at:
        return False
    replica = connections[REPLICA]
    try:
        replica.close_if_health_check_failed()
        replica.ensure_connection()
    except (OperationalError, InterfaceError) as error:
        with _outage.lock:
            if not _outage.down:
                logger.warning("Read replica unavailable (%s): reads go to the primary", str(error).strip())
            _outage.down, _outage.retry_at = True, time.monotonic() + RETRY_SECONDS
        return False
    if _outage.down:
        with _outage.lock:
            if _outage.down:
                logger.warning("Read replica is back: reads of safe requests go to it again")
            _outage.down = False
    return True


def reading_connection() -> BaseDatabaseWrapper:
    """The connection a raw SQL reader uses: the replica's or the primary's, as the router decides for the ORM."""
    return connections[router.db_for_read(None)]  # type: ignore[arg-type]  # no model: SQL of its own


class ReplicaRouter:
    """Django's database router: reads to the replica when the request allows it, everything else to the primary."""

    def db_for_read(self, model: type | None, **hints: Any) -> str:
        reads = _request.get()
        if reads is None or not reads.on_replica:
            return DEFAULT_DB_ALIAS
        if model is not None and model._meta.app_label in PRIMARY_ONLY_APPS:  # type: ignore[attr-defined]
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model: type | None, **hints: Any) -> str:
        reads = _request.get()
        if reads is not None:  # from now on this request reads its own writes
            reads.on_replica, reads.wrote = False, True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS  # the replica replays the primary's schema


class PrimaryAfterWriteMiddleware:
    """Decides, per request, whether its reads may go to the replica; pins a client that wrote to the primary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_configured():
            return self.get_response(request)
        safe = request.method in SAFE_METHODS
        credentials = request.META.get("HTTP_AUTHORIZATION", "")
        pinned = PIN_COOKIE in request.COOKIES or bool(credentials and cache.get(_pin_key(credentials)))
        reads = _Reads(on_replica=safe and not pinned and replica_reachable())
        token = _request.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if reads.wrote or not safe:
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE, "1", max_age=seconds, httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE
            )
            if credentials:  # unchecked: a forged header only sends its sender's reads to the primary
                cache.set(_pin_key(credentials), 1, seconds)
        return response


def _pin_key(credentials: str) -> str:
    return "replica-pin:" + hashlib.sha256(credentials.encode()).hexdigest()[:32]
