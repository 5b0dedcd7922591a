"""Reads without a request transaction; writes in one, as ATOMIC_REQUESTS gives every other view."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.db import transaction
from django.http import HttpRequest, HttpResponse

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
View = TypeVar("View", bound=Callable[..., HttpResponse])


def atomic_writes(view: View) -> View:
    """A safe request runs in autocommit: a page is one statement, so BEGIN and COMMIT were two more round trips.

    Inside a transaction already open (a test's), a read still gets its savepoint: DRF marks the innermost
    transaction for rollback when it answers an error, and that must not be the caller's.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method in SAFE_METHODS and not transaction.get_connection().in_atomic_block:
            return view(request, *args, **kwargs)
        with transaction.atomic():
            return view(request, *args, **kwargs)

    return transaction.non_atomic_requests(wrapper)  # type: ignore[return-value]
