"""The planner's upload page: a file in, a background import, its progress and summary on the page."""

import tempfile
from pathlib import Path

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.models import User
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from etl import services
from etl.export import FORMATS, ExportFailed, export_layer
from etl.forms import UploadForm
from etl.models import ImportJob

# Open data: what anyone may download (complaints stay with the staff: they are people's reports).
PUBLIC_LAYERS = {"governorate", "municipality", "delegation", "district", "service_point", "collection_route", "road"}
CONTENT_TYPES = {
    "gpkg": "application/geopackage+sqlite3",
    "geojson": "application/geo+json",
    "csv": "text/csv",
    "shp": "application/zip",
}


def _staff(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # staff_member_required let only staff in
    return request.user


@staff_member_required
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        job = services.queue_import(user=_staff(request), **form.cleaned_data)
        return redirect("etl:job", job_id=job.pk)
    jobs = ImportJob.objects.filter(user=_staff(request))[:10]
    return render(request, "etl/upload.html", {"form": form, "jobs": jobs}, status=400 if form.errors else 200)


@staff_member_required
@transaction.non_atomic_requests
def job(request: HttpRequest, job_id: int) -> HttpResponse:
    found = get_object_or_404(ImportJob, pk=job_id, user=_staff(request))
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": found.status,
                "status_label": found.get_status_display(),
                "done": found.done,
                "total": found.total,
                "percent": found.percent,
                "summary": found.summary,
                "error": found.error,
            }
        )
    return render(request, "etl/job.html", {"job": found})


@staff_member_required
def report(request: HttpRequest, job_id: int) -> FileResponse:
    """The CSV of rows not imported, for the planner who uploaded the file only."""
    found = get_object_or_404(ImportJob, pk=job_id, user=_staff(request))
    if not found.report:
        raise Http404
    return FileResponse(found.report.open("rb"), as_attachment=True, filename=f"import-{found.pk}-report.csv")


@require_GET
@transaction.non_atomic_requests
def download(request: HttpRequest, layer: str, fmt: str) -> FileResponse:
    """A public layer as a file (`?municipality=CODE` for one municipality's part)."""
    if layer not in PUBLIC_LAYERS or fmt not in FORMATS:
        raise Http404
    folder = Path(tempfile.mkdtemp(prefix="gisportal-download-"))
    try:
        summary = export_layer(
            layer, fmt=fmt, path=folder / f"{layer}.{fmt}", municipality=request.GET.get("municipality")
        )
    except ExportFailed as error:
        raise Http404(str(error)) from error
    # The file is opened before its folder is removed: the download streams from the open handle.
    handle = open(summary.path, "rb")  # noqa: SIM115
    for leftover in folder.iterdir():
        leftover.unlink()
    folder.rmdir()
    suffix = summary.path.suffix
    name = f"{layer}-{request.GET['municipality']}{suffix}" if "municipality" in request.GET else f"{layer}{suffix}"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=CONTENT_TYPES[fmt])
