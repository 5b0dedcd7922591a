"""The planner's upload page (a file in, a background import, its progress and summary) and the open data page."""

from pathlib import Path
from typing import Any

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from etl import open_data as open_data_files
from etl import services, suggest, undo
from etl.forms import MappingForm, UploadForm
from etl.models import ImportJob, ImportRecord
from etl.sources import SourceError, open_source
from etl.targets import TARGETS, layer_name
from layers.models import Municipality


def _staff(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # staff_member_required let only staff in
    return request.user


@staff_member_required
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        job = services.queue_import(user=_staff(request), language=request.LANGUAGE_CODE, **form.cleaned_data)
        return redirect("etl:job", job_id=job.pk)
    jobs = ImportJob.objects.filter(user=_staff(request))[:10]
    for listed in jobs:
        services.fail_if_abandoned(listed)
    return render(request, "etl/upload.html", {"form": form, "jobs": jobs}, status=400 if form.errors else 200)


@staff_member_required
@transaction.non_atomic_requests
def job(request: HttpRequest, job_id: int) -> HttpResponse:
    found = get_object_or_404(ImportJob, pk=job_id, user=_staff(request))
    services.fail_if_abandoned(found)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": found.status,
                "status_label": found.get_status_display(),
                "phase_label": found.get_phase_display(),
                "done": found.done,
                "total": found.total,
                "percent": found.percent,
                "summary": found.summary,
                "error": found.error,
            }
        )
    return render(request, "etl/job.html", _job_context(request, found))


def _job_context(request: HttpRequest, found: ImportJob, **more: Any) -> dict[str, Any]:
    imported = ImportRecord.objects.filter(job=found).select_related("undone_by").first()
    may_undo = imported is not None and imported.undone_at is None and undo.may_undo(imported, _staff(request))
    return {"job": found, "record": imported, "may_undo": may_undo, **more}


@staff_member_required
@require_POST
def undo_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """Undo this import: its updated rows restored, its inserted rows deleted; refused, with the features named,
    where one was edited since. Staff who may edit every row it wrote only."""
    found = get_object_or_404(ImportJob, pk=job_id, user=_staff(request))
    imported = get_object_or_404(ImportRecord, job=found)
    if not undo.may_undo(imported, _staff(request)):
        raise PermissionDenied
    try:
        summary = undo.undo_import(record_id=imported.pk, user=_staff(request))
    except undo.UndoRefused as error:
        meta = TARGETS[imported.layer].model._meta
        change = f"admin:{meta.app_label}_{meta.model_name}_change"
        shown = [(pk, reverse(change, args=[pk])) for pk in error.feature_ids[:200]]
        context = _job_context(request, found, refused=error.reason, refused_features=shown)
        context["refused_more"] = max(0, len(error.feature_ids) - 200)
        return render(request, "etl/job.html", context, status=409)
    return render(request, "etl/job.html", _job_context(request, found, undone=summary.line()))


@staff_member_required
def mapping(request: HttpRequest, job_id: int) -> HttpResponse:
    """The file's columns mapped to the layer's fields, and its values to the choices, as suggested; the planner
    confirms, the spec is saved and the file imported again with it."""
    found = get_object_or_404(ImportJob, pk=job_id, user=_staff(request))
    target = TARGETS.get(found.layer)
    if target is None or not found.file.name or not found.file.storage.exists(found.file.name):
        raise Http404
    posted = request.POST if request.method == "POST" else None
    try:
        with open_source(Path(found.file.path), geometry=target.geometry is not None) as source:
            columns = source.fields
            suggested = suggest.suggest_columns(target, columns)
            chosen = dict(suggested)
            if posted is not None:
                chosen = {
                    n: (posted.get(f"field_{n}") if posted.get(f"field_{n}") in columns else None) for n in chosen
                }
            value_columns = {n: c for n, c in chosen.items() if c and getattr(target.fields[n], "choices", None)}
            samples = suggest.sample_values(source.dataset, sorted(set(value_columns.values())), source.layer)
    except SourceError as error:
        return render(request, "etl/mapping.html", {"job": found, "problem": error.problem}, status=400)
    values = {n: suggest.suggest_values(target.fields[n], samples[c]) for n, c in value_columns.items()}
    options: dict[str, Any] = {"target": target, "columns": columns, "values": values, "value_columns": value_columns}
    stale = posted is not None and (
        "show_values" in posted or any(posted.get(f"shown_{n}") != c for n, c in value_columns.items())
    )
    if posted is None or stale:
        title = posted.get("title", "") if posted else Path(found.file_name).stem
        form = MappingForm(suggested=chosen, initial={"title": title}, **options)
    else:
        form = MappingForm(posted, suggested=chosen, **options)
        if form.is_valid():
            fields, mapped_values = form.mapped()
            text = suggest.spec_toml(found.layer, fields, mapped_values, description=form.cleaned_data["title"])
            name = suggest.save_spec(user_id=found.user_id, title=form.cleaned_data["title"], text=text)
            again = services.import_again(found, mapping=name, language=request.LANGUAGE_CODE)
            return redirect("etl:job", job_id=again.pk)
    sections = [(n, c, form[f"shown_{n}"], form.value_fields(n)) for n, c in value_columns.items()]
    context = {"job": found, "form": form, "columns": columns, "value_sections": sections}
    return render(request, "etl/mapping.html", context, status=400 if form.errors else 200)


@staff_member_required
def report(request: HttpRequest, job_id: int) -> FileResponse:
    """The CSV of rows not imported, for the planner who uploaded the file only."""
    found = get_object_or_404(ImportJob, pk=job_id, user=_staff(request))
    if not found.report:
        raise Http404
    return FileResponse(found.report.open("rb"), as_attachment=True, filename=f"import-{found.pk}-report.csv")


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    """Every public layer and table, with its download links (for one municipality's part when chosen)."""
    return _open_data_page(request)


def _open_data_page(request: HttpRequest, *, missing: str = "", status: int = 200) -> HttpResponse:
    code = request.GET.get("municipality") or None
    municipality = Municipality.objects.filter(code=code).first() if code else None
    context = {
        "datasets": open_data_files.catalogue(municipality),
        "municipalities": Municipality.objects.order_by("name_fr").values_list("code", "name_fr", "name_ar"),
        "municipality": municipality,
        "listings": open_data_files.other_listings(municipality),
        "missing": missing,
    }
    return render(request, "etl/open_data.html", context, status=status)


@require_GET
@transaction.non_atomic_requests  # the export is a read of its own; the file then streams outside any transaction
def download(request: HttpRequest, layer: str, fmt: str) -> HttpResponseBase:
    """A public layer as a file (`?municipality=CODE` for one municipality's part), built once per data version."""
    if layer_name(layer) != layer:  # a link made before layers were named as the API names them
        address = reverse("open_data:download", args=[layer_name(layer), fmt])
        return HttpResponsePermanentRedirect(f"{address}?{request.GET.urlencode()}" if request.GET else address)
    code = request.GET.get("municipality")
    try:
        path = open_data_files.published_file(layer, fmt, code)
        try:
            handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
        except FileNotFoundError:  # replaced by a newer version in between: take that one
            path = open_data_files.published_file(layer, fmt, code)
            handle = open(path, "rb")  # noqa: SIM115
    except open_data_files.NotPublished as error:
        # A person followed a link: the open data page, saying in her language why there is no file.
        return _open_data_page(request, missing=str(error), status=404)
    name = f"{layer}-{code}{path.suffix}" if code else f"{layer}{path.suffix}"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=open_data_files.CONTENT_TYPES[fmt])
