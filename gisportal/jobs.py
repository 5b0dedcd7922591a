"""Background jobs' two safety rules, for every app's jobs (imports, route optimisations).

- A running job holds a lease: a PostgreSQL advisory lock on the worker's own progress connection. A worker that
  dies (SIGKILL, out of memory, a lost machine) loses its connection and so its lease; whoever looks at a job still
  "running" with no lease (its page, the next run) marks it failed with a reason. Its transaction never committed,
  so nothing of it is stored.
- Dispatch never drops a job silently: when the broker (Redis) cannot take it, it is said in the log and the job runs
  inline, in this process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import psycopg
from celery import Task
from django.db import connection
from django.db.models import Model
from django.utils import timezone

logger = logging.getLogger("gisportal.jobs")

# The first key of the two-key advisory locks, one per job table (the second is the job's id).
LEASE_SPACES = {"etl_importjob": 0x6A0B01, "routing_optimisationrun": 0x6A0B02}


class Lease:
    """Held by a running job on its autocommit progress connection, released with that connection."""

    def __init__(self, progress_connection: psycopg.Connection[Any], table: str, job_id: int) -> None:
        self.connection, self.key = progress_connection, (LEASE_SPACES[table], job_id)
        self.connection.execute("SELECT pg_advisory_lock(%s, %s)", self.key)


def abandoned(table: str, job_id: int) -> bool:
    """True when no live session holds the job's lease."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LEASE_SPACES[table], job_id])
        free = bool(cursor.fetchone()[0])
        if free:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LEASE_SPACES[table], job_id])
    return free


def fail_if_abandoned(job: Model, reason: Callable[[], str]) -> bool:
    """Mark a job left "running" by a dead worker as failed, with `reason()`; True when it was."""
    table = job._meta.db_table
    if getattr(job, "status", None) != "running" or not abandoned(table, job.pk):
        return False
    error, now = reason(), timezone.now()
    updated = (
        type(job)
        ._default_manager.filter(pk=job.pk, status="running")
        .update(status="failed", error=error, finished_at=now)
    )
    if updated:
        job.status, job.error, job.finished_at = "failed", error, now  # type: ignore[attr-defined]
        logger.warning("%s %s: its worker ended before it finished; marked failed", table, job.pk)
    return bool(updated)


def dispatch(task: Task, *args: Any) -> None:
    """Queue `task`, retried briefly; when the broker cannot take it, run it here instead — said in the log."""
    if task.app.conf.task_always_eager:  # no broker configured: inline already, its errors its own
        task.apply_async(args)
        return
    try:
        task.apply_async(args, retry=True, retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5})
    except Exception as error:  # kombu's OperationalError, redis's ConnectionError, a refused socket: all the same here
        logger.warning("broker unavailable (%s): %s%r runs inline", error.__class__.__name__, task.name, args)
        task.apply(args, throw=True)
