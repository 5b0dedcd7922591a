"""The honest states of a report and the moves staff (and the reporter) may make between them."""

from layers.models import Complaint

Status = Complaint.Status

_WORKING = {
    Status.ACKNOWLEDGED,
    Status.IN_PROGRESS,
    Status.RESOLVED,
    Status.CLOSED_WITHOUT_FIX,
    Status.DUPLICATE,
    Status.REJECTED,
}

# Staff moves. A closed report only comes back through "reopened", so its history stays readable.
STAFF_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset(_WORKING),
    Status.ACKNOWLEDGED: frozenset(_WORKING - {Status.ACKNOWLEDGED}),
    Status.IN_PROGRESS: frozenset(_WORKING - {Status.ACKNOWLEDGED, Status.IN_PROGRESS}),
    Status.REOPENED: frozenset(_WORKING),
    Status.RESOLVED: frozenset({Status.REOPENED}),
    Status.CLOSED_WITHOUT_FIX: frozenset({Status.REOPENED}),
    Status.DUPLICATE: frozenset({Status.REOPENED}),
    Status.REJECTED: frozenset({Status.REOPENED}),
}

# The reporter may reopen a report the municipality called fixed (or closed) when it is not.
REPORTER_REOPENS_FROM = frozenset({Status.RESOLVED, Status.CLOSED_WITHOUT_FIX})


def staff_may_move(current: str, target: str) -> bool:
    return target in STAFF_TRANSITIONS.get(current, frozenset())


def next_statuses(current: str) -> list[str]:
    """The statuses staff may move a report to, in the workflow's order."""
    allowed = STAFF_TRANSITIONS.get(current, frozenset())
    return [status for status in Status.values if status in allowed]
