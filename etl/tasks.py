"""Background imports: the upload page's jobs, on Celery (inline when no broker is configured)."""

from __future__ import annotations

from pathlib import Path

import psycopg
from celery import shared_task
from django.db import connection
from django.utils import timezone

from etl.models import ImportJob
from etl.pipeline import ImportFailed, import_file
from etl.suggest import spec_path
from gisportal.jobs import Lease


class _ProgressWriter:
    """Progress written on a connection of its own: the import's transaction is not committed yet."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.connection = psycopg.connect(**connection.get_connection_params(), autocommit=True)

    def __call__(self, done: int, total: int) -> None:
        self.connection.execute(
            "UPDATE etl_importjob SET done = %s, total = %s WHERE id = %s", [done, total, self.job_id]
        )

    def phase(self, name: str) -> None:
        self.connection.execute("UPDATE etl_importjob SET phase = %s WHERE id = %s", [name, self.job_id])

    def close(self) -> None:
        self.connection.close()


@shared_task
def run_import_job(job_id: int, language: str = "en") -> None:
    job = ImportJob.objects.select_related("municipality").get(pk=job_id)
    progress = _ProgressWriter(job_id)
    Lease(progress.connection, ImportJob._meta.db_table, job_id)  # held until this worker's end, whatever its end
    ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.RUNNING)
    path = Path(job.file.path)
    report = path.with_name(f"{path.stem}-report.csv")
    try:
        summary = import_file(
            path,
            layer=job.layer,
            municipality=job.municipality.code if job.municipality else None,
            mapping=spec_path(job.mapping) if job.mapping else None,
            report=report,
            progress=progress,
            user_id=job.user_id,
            name=job.file_name,
            language=language,
            job_id=job.pk,
        )
    except ImportFailed as error:
        job.status, job.error = ImportJob.Status.FAILED, str(error)
    else:
        job.status, job.summary = ImportJob.Status.DONE, summary.line()
        job.done = job.total = summary.read
        job.report.name = str(report.relative_to(Path(job.file.storage.location)))  # type: ignore[attr-defined]
    finally:
        progress.close()
    job.finished_at, job.phase = timezone.now(), ""
    job.save(update_fields=["status", "phase", "error", "summary", "done", "total", "report", "finished_at"])
