"""The optimisation as a background job (Celery; inline when no broker is configured), with its progress written
as the ETL imports write theirs."""

from __future__ import annotations

import psycopg
from celery import shared_task
from django.db import connection
from django.utils import timezone, translation

from gisportal.jobs import Lease
from gisportal.routing import planning
from gisportal.routing.models import OptimisationRun


class _ProgressWriter:
    """On a connection of its own, so that the page polling the run sees each stage at once."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.connection = psycopg.connect(**connection.get_connection_params(), autocommit=True)

    def __call__(self, done: int, stage: str) -> None:
        self.connection.execute(
            "UPDATE routing_optimisationrun SET done = %s, stage = %s WHERE id = %s", [done, stage, self.run_id]
        )

    def close(self) -> None:
        self.connection.close()


@shared_task
def run_optimisation(run_id: int, language: str = "en") -> None:
    run = OptimisationRun.objects.select_related("municipality").get(pk=run_id)
    progress = _ProgressWriter(run_id)
    Lease(progress.connection, OptimisationRun._meta.db_table, run_id)  # held until this worker's end
    OptimisationRun.objects.filter(pk=run_id).update(status=OptimisationRun.Status.RUNNING)
    try:
        with translation.override(language):
            planning.plan(run, progress)
    except planning.PlanningError as error:
        run.status, run.error = OptimisationRun.Status.FAILED, str(error)
    else:
        run.status, run.done = OptimisationRun.Status.DONE, run.total
    finally:
        progress.close()
    run.finished_at = timezone.now()
    run.save()
