"""The shared cache on Redis, which must never take the portal down with it.

When Redis does not answer (stopped, restarting, unreachable), every cache call is served by this process's own
memory instead, and Redis is tried again after RETRY_SECONDS: pages and APIs keep serving, and the rate limits fall
back to a local rule — each process counts its own share of every limit (`local_limit`: the limit divided by the
portal's processes, settings.WEB_PROCESSES, at least 1), so that all of them together allow no more than the shared
limit did; the counters start again from zero. Both the outage and the return are said in the log.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("gisportal.cache")

RETRY_SECONDS = 5.0
T = TypeVar("T")


class _Outage:
    """This process's view of Redis, shared by its threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down = False
        self.retry_at = 0.0


_outage = _Outage()


def local_limit(limit: int) -> int:
    """A rate limit as this process must apply it: all of it while counts are shared, its share during an outage."""
    if not _outage.down:
        return limit
    return max(1, limit // max(1, settings.WEB_PROCESSES))


class FallbackRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = params.setdefault("OPTIONS", {})
        # A Redis that hangs must not hold a request: a refused connection already fails at once.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, params)
        # Imported here, where Redis is configured: every process without it starts 0.2 s sooner.
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        self._unavailable = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)
        # One memory per process, whichever thread's instance of this backend asks (Django makes one per thread).
        self._local = LocMemCache("gisportal-fallback", {"TIMEOUT": params.get("TIMEOUT", 300)})

    def _either(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() >= _outage.retry_at:
            try:
                answer = getattr(super(), name)(*args, **kwargs)
            except self._unavailable as error:
                with _outage.lock:
                    if not _outage.down:
                        logger.warning(
                            "Redis unavailable (%s): the cache is local, and each of the %d processes allows 1/%d of "
                            "every rate limit",
                            error,
                            settings.WEB_PROCESSES,
                            settings.WEB_PROCESSES,
                        )
                    _outage.down, _outage.retry_at = True, time.monotonic() + RETRY_SECONDS
            else:
                if _outage.down:
                    with _outage.lock:
                        if _outage.down:
                            logger.warning("Redis is back: the cache and rate limits are shared again")
                        _outage.down, _outage.retry_at = False, 0.0
                return answer
        return getattr(self._local, name)(*args, **kwargs)

    def _wrap(name: str) -> Callable[..., Any]:  # type: ignore[misc]
        def method(self: FallbackRedisCache, *args: Any, **kwargs: Any) -> Any:
            return self._either(name, *args, **kwargs)

        method.__name__ = name
        return method

    add = _wrap("add")
    get = _wrap("get")
    set = _wrap("set")
    touch = _wrap("touch")
    delete = _wrap("delete")
    get_many = _wrap("get_many")
    has_key = _wrap("has_key")
    incr = _wrap("incr")
    set_many = _wrap("set_many")
    delete_many = _wrap("delete_many")
    clear = _wrap("clear")
    del _wrap
