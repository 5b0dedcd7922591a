"""The demo's complaint histories: load_demo seeds the pilots' reports with a status and a last update only, so the
service scorecard would have nothing to measure. Each report without a history gets the steps that lead to its
status, between its creation and its last update, and a share of the closed ones a satisfaction answer. Same seed,
same histories; written in SQL with COPY, in one transaction."""

import random
from datetime import datetime, timedelta

from django.db import connection, transaction

from etl.demo import _stage

SEED = 2016
# The steps from "submitted" to each status, the last one at the report's last update.
PATHS = {
    "submitted": (),
    "acknowledged": ("acknowledged",),
    "in_progress": ("acknowledged", "in_progress"),
    "resolved": ("acknowledged", "in_progress", "resolved"),
    "closed_without_fix": ("acknowledged", "closed_without_fix"),
    "duplicate": ("duplicate",),
    "rejected": ("rejected",),
    "reopened": ("acknowledged", "resolved", "reopened"),
}
NOTES = {"closed_without_fix": "Hors de la compétence de la commune.", "rejected": "Signalement hors sujet."}


def steps(status: str, created: datetime, updated: datetime, rng: random.Random) -> list[tuple[str, str, datetime]]:
    """(status_from, status, at) of a report's history: submitted when received, each later step after the one
    before, the last at `updated`."""
    path = PATHS[status]
    if not path:
        return [("", "submitted", created)]
    span = max((updated - created).total_seconds(), 60.0)
    moments = sorted(rng.uniform(0.02, 0.98) * span for _ in path[:-1])
    history, previous = [("", "submitted", created)], "submitted"
    for step, seconds in zip(path, [*moments, span], strict=True):
        history.append((previous, step, created + timedelta(seconds=seconds)))
        previous = step
    return history


@transaction.atomic
def seed_histories(seed: int = SEED) -> tuple[int, int, int]:
    """Histories for every report that has none: (reports, updates, satisfaction answers) written."""
    rng = random.Random(seed)  # noqa: S311 (demo data: the same seed gives the same histories)
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.id, c.status, c.created_at, c.updated_at FROM layers_complaint c
                WHERE NOT EXISTS (SELECT 1 FROM complaints_complaintupdate u WHERE u.complaint_id = c.id)
                ORDER BY c.id"""
        )
        reports = cursor.fetchall()
        updates, answers = [], []
        for complaint_id, status, created, updated in reports:
            for status_from, step, at in steps(status, created, updated, rng):
                reporter = step in ("submitted", "reopened")
                updates.append((complaint_id, status_from, step, NOTES.get(step, ""), reporter, at))
            if status in ("resolved", "reopened") and rng.random() < 0.5:
                # A reopened report's reporter was not satisfied with the fix she was asked about.
                satisfied = status == "resolved" and rng.random() < 0.7
                answers.append((complaint_id, satisfied, updated + timedelta(hours=rng.randint(1, 48))))
        _stage(cursor, "staged_update", "complaint_id bigint, status_from text, status text, note text, "
               "by_reporter boolean, created_at timestamptz", updates)  # fmt: skip
        cursor.execute(
            """INSERT INTO complaints_complaintupdate (complaint_id, status_from, status, note, is_public, by_reporter,
                                                      created_at)
               SELECT complaint_id, status_from, status, note, true, by_reporter, created_at FROM staged_update"""
        )
        _stage(cursor, "staged_answer", "complaint_id bigint, satisfied boolean, created_at timestamptz", answers)
        cursor.execute(
            """INSERT INTO complaints_satisfactionanswer (complaint_id, satisfied, comment, created_at)
               SELECT complaint_id, satisfied, '', created_at FROM staged_answer"""
        )
    return len(reports), len(updates), len(answers)
