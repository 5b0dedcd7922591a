"""The petition rules a municipality's law sets: how many co-promoters, how long signing lasts, when the answer is due.

Each is a setting (or its environment variable), read when used so that tests and deployments can change it.
"""

import os

from django.conf import settings


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, os.environ.get("GISPORTAL_" + name, default)))


def min_co_promoters() -> int:
    """Co-promoters, besides its author, a petition needs before the municipality checks it."""
    return _setting("PETITIONS_MIN_CO_PROMOTERS", 3)


def signing_days() -> int:
    """How long a petition stays open for signatures once the municipality opens it."""
    return _setting("PETITIONS_SIGNING_DAYS", 90)


def answer_days() -> int:
    """Days the municipality has to publish its answer once the threshold is reached."""
    return _setting("PETITIONS_ANSWER_DAYS", 60)
