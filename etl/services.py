"""Writes of the etl app."""

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from etl.models import ImportJob
from etl.tasks import run_import_job
from layers.models import Municipality


@transaction.atomic
def queue_import(
    *, user: User, file: UploadedFile, layer: str, municipality: Municipality | None, mapping: str = ""
) -> ImportJob:
    """Keep the upload and start its import once the job is committed (inline when there is no broker)."""
    job = ImportJob.objects.create(user=user, file=file, layer=layer, municipality=municipality, mapping=mapping)
    transaction.on_commit(lambda: run_import_job.delay(job.pk))
    return job
