"""Writes: request an optimisation, accept its proposal (replacing the routes in one transaction, the old ones kept
on the run and in the routes' history), discard it, or restore the routes an acceptance replaced."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.contrib.gis.geos import GEOSGeometry, MultiLineString
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gisportal import jobs
from gisportal.routing.models import FillReading, OptimisationRun
from gisportal.routing.planning import Parameters
from gisportal.routing.tasks import run_optimisation
from layers.models import CollectionRoute, Municipality, ServicePoint


class DecisionError(ValueError):
    pass


def request_optimisation(
    *, municipality: Municipality, user: User | None, parameters: Parameters, language: str = "en", wait: bool = False
) -> OptimisationRun:
    """Record the request and start the job once it is committed (inline when there is no broker); with `wait`
    (the command line), run it here and now."""
    with transaction.atomic():
        run = OptimisationRun.objects.create(
            municipality=municipality, requested_by=user, parameters=asdict(parameters)
        )
        if not wait:
            transaction.on_commit(lambda: jobs.dispatch(run_optimisation, run.pk, language))
    if wait:
        run_optimisation(run.pk, language)
    return run


def fail_if_abandoned(run: OptimisationRun) -> bool:
    """A run left "running" by a worker that died: failed, with the reason in the language of whoever looks."""
    return jobs.fail_if_abandoned(
        run,
        lambda: _(
            "The optimisation stopped before it finished: the process running it ended unexpectedly. Run it again."
        ),
    )


def _snapshot(route: CollectionRoute) -> dict[str, Any]:
    return {
        "name": route.name,
        "service_days": route.service_days,
        "frequency": route.frequency,
        "starts_at": route.starts_at.isoformat(),
        "ends_at": route.ends_at.isoformat(),
        "vehicle": route.vehicle,
        "path": route.path.geojson,
        "service_points": list(
            CollectionRoute.service_points.through.objects.filter(collectionroute=route)
            .order_by("id")
            .values_list("servicepoint_id", flat=True)
        ),
    }


def _replace_routes(municipality: Municipality, routes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Delete the municipality's routes one by one (each deletion in their history) and create these."""
    old = list(CollectionRoute.objects.select_for_update().filter(municipality=municipality).order_by("id"))
    replaced = [_snapshot(route) for route in old]
    for route in old:
        route.delete()
    for fields in routes:
        read = GEOSGeometry(fields["path"], srid=4326)
        path = read if isinstance(read, MultiLineString) else MultiLineString(read, srid=4326)
        created = CollectionRoute(
            municipality=municipality,
            name=fields["name"],
            service_days=fields["service_days"],
            frequency=fields.get("frequency", CollectionRoute.Frequency.WEEKLY),
            starts_at=time.fromisoformat(fields["starts_at"]),
            ends_at=time.fromisoformat(fields["ends_at"]),
            vehicle=fields.get("vehicle", ""),
            path=path,
        )
        created.full_clean(exclude=["municipality"])
        known = set(
            ServicePoint.objects.filter(pk__in=fields["service_points"], municipality=municipality).values_list(
                "pk", flat=True
            )
        )
        if known != set(fields["service_points"]):
            raise DecisionError(_("A container of this plan is no longer the municipality's: run it again."))
        created.save()
        through = CollectionRoute.service_points.through
        through.objects.bulk_create(
            [through(collectionroute=created, servicepoint_id=i) for i in fields["service_points"]]
        )
        # In visiting order (the through rows' order); saved again so that its history holds the stops too.
        created.save()
    return replaced


@transaction.atomic
def accept(*, run: OptimisationRun, user: User | None) -> OptimisationRun:
    """The proposal becomes the municipality's routes, all or nothing."""
    run = OptimisationRun.objects.select_for_update().get(pk=run.pk)
    if run.status != OptimisationRun.Status.DONE:
        raise DecisionError(_("Only a finished proposal can be accepted."))
    days = run.proposal["parameters"]["days"]
    routes = [
        {
            "name": route["name"],
            "service_days": route.get("days", days),
            "starts_at": route["starts"],
            # A round ending past midnight or in the same minute still has a window of a minute.
            "ends_at": route["ends"] if route["ends"] > route["starts"] else "23:59",
            "vehicle": _("Truck %(n)d") % {"n": route["truck"]},
            "path": route["geometry"] if isinstance(route["geometry"], str) else json.dumps(route["geometry"]),
            "service_points": [stop["id"] for stop in route["stops"]],
        }
        for route in run.proposal["routes"]
    ]
    run.replaced = _replace_routes(run.municipality, routes)
    run.status, run.decided_at = OptimisationRun.Status.ACCEPTED, timezone.now()
    run.save(update_fields=["replaced", "status", "decided_at"])
    return run


@transaction.atomic
def discard(*, run: OptimisationRun) -> OptimisationRun:
    run = OptimisationRun.objects.select_for_update().get(pk=run.pk)
    if run.status not in (OptimisationRun.Status.DONE, OptimisationRun.Status.FAILED):
        raise DecisionError(_("Only a proposal not yet accepted can be discarded."))
    run.status, run.decided_at = OptimisationRun.Status.DISCARDED, timezone.now()
    run.save(update_fields=["status", "decided_at"])
    return run


@transaction.atomic
def restore(*, run: OptimisationRun) -> OptimisationRun:
    """Put back the routes this acceptance replaced (today's routes go to their history in turn)."""
    run = OptimisationRun.objects.select_for_update().get(pk=run.pk)
    if run.status != OptimisationRun.Status.ACCEPTED:
        raise DecisionError(_("Only an accepted plan can be undone."))
    _replace_routes(run.municipality, run.replaced)
    run.status, run.decided_at = OptimisationRun.Status.RESTORED, timezone.now()
    run.save(update_fields=["status", "decided_at"])
    return run


@dataclass(frozen=True)
class FillRow:
    line: int
    container: str
    percent: str
    read_at: str = ""
    source: str = ""


def record_fill_levels(*, municipality: Municipality, rows: list[FillRow]) -> tuple[int, list[str]]:
    """Containers' fill readings (a sensor export, the crews' sheet), all or nothing: (rows stored, every rejected row
    with its reason); one rejected row stores none."""
    ours = set(
        ServicePoint.objects.filter(municipality=municipality, kind=ServicePoint.Kind.WASTE_CONTAINER).values_list(
            "pk", flat=True
        )
    )
    readings, rejected = [], []
    now = timezone.now()
    for row in rows:
        try:
            container, percent = int(row.container), int(row.percent)
            read_at = datetime.fromisoformat(row.read_at) if row.read_at else now
        except ValueError:
            rejected.append(_("line %(n)d: a container id, a whole percent and an ISO date") % {"n": row.line})
            continue
        if timezone.is_naive(read_at):
            read_at = timezone.make_aware(read_at)
        if container not in ours:
            rejected.append(
                _("line %(n)d: no waste container %(id)d in this municipality") % {"n": row.line, "id": container}
            )
        elif not 0 <= percent <= 100:
            rejected.append(_("line %(n)d: a fill level from 0 to 100 %%") % {"n": row.line})
        elif read_at > now + timedelta(minutes=5):
            rejected.append(_("line %(n)d: read in the future") % {"n": row.line})
        else:
            readings.append(
                FillReading(
                    municipality=municipality,
                    container_id=container,
                    percent=percent,
                    read_at=read_at,
                    source=row.source[:50],
                )
            )
    if rejected:
        return 0, rejected
    with transaction.atomic():
        FillReading.objects.bulk_create(readings)
    return len(readings), []
