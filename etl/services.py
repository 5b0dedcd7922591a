"""Writes of the etl app."""

from datetime import timedelta

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from etl.models import ImportJob
from etl.tasks import run_import_job
from gisportal import jobs
from layers.models import Municipality


@transaction.atomic
def queue_import(
    *,
    user: User,
    file: UploadedFile,
    layer: str,
    municipality: Municipality | None,
    mapping: str = "",
    language: str = "en",
) -> ImportJob:
    """Keep the upload and start its import once the job is committed (inline when there is no broker); its
    summary and errors are written in `language`, the planner's."""
    job = ImportJob.objects.create(
        user=user, file=file, original_name=file.name or "", layer=layer, municipality=municipality, mapping=mapping
    )
    for running in ImportJob.objects.filter(user=user, status=ImportJob.Status.RUNNING):
        fail_if_abandoned(running)  # the next run looks at the last ones
    transaction.on_commit(lambda: jobs.dispatch(run_import_job, job.pk, language))
    return job


def fail_if_abandoned(job: ImportJob) -> bool:
    """A job left "running" by a worker that died: failed, with the reason in the language of whoever looks."""
    return jobs.fail_if_abandoned(
        job,
        lambda: gettext(
            "The import stopped before it finished: the process running it ended unexpectedly. Nothing of this "
            "file was stored; upload it again."
        ),
    )


@transaction.atomic
def import_again(job: ImportJob, *, mapping: str, language: str = "en") -> ImportJob:
    """The same upload imported again with another mapping (one the planner confirmed): a new job."""
    again = ImportJob.objects.create(
        user=job.user,
        file=job.file.name,
        original_name=job.original_name,
        layer=job.layer,
        municipality=job.municipality,
        mapping=mapping,
    )
    transaction.on_commit(lambda: run_import_job.delay(again.pk, language))
    return again


def prune_uploads(*, older_than: timedelta) -> int:
    """Delete the uploaded files and reports of imports finished longer ago than `older_than`; the jobs stay
    (who imported which file when, and the summary). Uploads may hold people's details: they are not kept forever."""
    pruned = 0
    for job in ImportJob.objects.filter(finished_at__lt=timezone.now() - older_than):
        stored = [f.name for f in (job.file, job.report) if f.name and f.storage.exists(f.name)]
        for name in stored:
            job.file.storage.delete(name)
        if job.report:  # the report link goes with its file; the upload's name stays, to say what was imported
            ImportJob.objects.filter(pk=job.pk).update(report="")
        pruned += bool(stored)
    return pruned
