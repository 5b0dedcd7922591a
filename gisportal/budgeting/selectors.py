"""Reads of participatory budgets. Public reads give aggregates only: no contact, no ID hash, no one's choices."""

import json
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from gisportal.budgeting.models import PHASE_ORDER, Ballot, Budget, Envelope, Phase, Proposal, TrackedProject
from gisportal.participants.models import Participant
from gisportal.participants.services import keyed_hash
from layers.models import District

# Groups smaller than this are shown as "fewer than 5": a total by district, gender and age must not point at a person.
SMALLEST_GROUP = 5


def ballot_key(budget: Budget, participant: Participant) -> str:
    """The only link from a voter to her ballot: a keyed hash that no page, export or admin shows."""
    return keyed_hash("ballot", f"{budget.pk}:{participant.pk}")


def current_phase(budget: Budget, today: date | None = None) -> Phase | None:
    today = today or timezone.localdate()
    return next((p for p in budget.phases.all() if p.starts_on <= today <= p.ends_on), None)


def can(budget: Budget, kind: str, today: date | None = None) -> bool:
    phase = current_phase(budget, today)
    return phase is not None and phase.kind == kind


def results_public(budget: Budget) -> bool:
    return budget.results_published_at is not None


def budget_of(code: str, year: int) -> Budget | None:
    return (
        Budget.objects.select_related("municipality")
        .prefetch_related("phases", Prefetch("envelopes", Envelope.objects.select_related("district")))
        .filter(municipality__code=code, year=year)
        .first()
    )


def budgets() -> QuerySet[Budget]:
    return (
        Budget.objects.select_related("municipality")
        .prefetch_related("phases")
        .order_by("-year", "municipality__name_fr")
    )


@dataclass(frozen=True)
class ProposalFilter:
    district: int | None = None
    category: str = ""
    status: str = ""
    min_cost: int | None = None
    max_cost: int | None = None

    def q(self) -> Q:
        where = Q()
        if self.district:
            where &= Q(district_id=self.district)
        if self.category:
            where &= Q(category=self.category)
        if self.status:
            where &= Q(status=self.status)
        if self.min_cost is not None:
            where &= Q(estimated_cost__gte=self.min_cost)
        if self.max_cost is not None:
            where &= Q(estimated_cost__lte=self.max_cost)
        return where


def proposals(budget: Budget, where: ProposalFilter) -> QuerySet[Proposal]:
    """The public list: every proposal, with its review, whatever its status (merged ones point to the other)."""
    return (
        budget.proposals.filter(where.q())
        .select_related("district", "envelope__district", "merged_into", "outcome")
        .order_by("-created_at", "pk")
    )


def proposals_geojson(budget: Budget, where: ProposalFilter) -> str:
    """The same proposals as GeoJSON built by PostGIS, with only what a popup shows (never the author)."""
    ids = list(proposals(budget, where).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
                'type', 'Feature', 'id', p.code,
                'geometry', ST_AsGeoJSON(p.location, 6)::json,
                'properties', json_build_object(
                    'code', p.code, 'title', p.title, 'category', p.category, 'status', p.status,
                    'cost', coalesce(p.cost, p.estimated_cost), 'district', d.name,
                    'votes', o.support, 'selected', o.selected)
            ) ORDER BY p.code), '[]'::json))::text
              FROM budgeting_proposal p
              LEFT JOIN layers_district d ON d.id = p.district_id
              LEFT JOIN budgeting_outcome o ON o.proposal_id = p.id
             WHERE p.id = ANY(%s) AND p.location IS NOT NULL
            """,
            [ids],
        )
        return cursor.fetchone()[0]


def ballot_options(
    budget: Budget, district: District | None, *, every_district: bool = False
) -> dict[int, list[Proposal]]:
    """The proposals on a voter's ballot, by envelope: the municipality-wide one's and her district's (or, for
    the paper ballot form, every district's)."""
    envelopes = [
        e
        for e in budget.envelopes.all()
        if every_district or e.district_id is None or (district and e.district_id == district.pk)
    ]
    on_ballot = (
        Proposal.objects.filter(
            envelope__in=envelopes,
            status__in=(Proposal.Status.FEASIBLE, Proposal.Status.SELECTED, Proposal.Status.NOT_SELECTED),
        )
        .select_related("district")
        .order_by("code")
    )
    options: dict[int, list[Proposal]] = {e.pk: [] for e in envelopes}
    for proposal in on_ballot:
        options[proposal.envelope_id].append(proposal)
    return options


def own_ballot(budget: Budget, participant: Participant) -> Ballot | None:
    """Her own choices, shown only to her, to change them while voting is open."""
    return Ballot.objects.filter(key=ballot_key(budget, participant)).first()


def envelopes(budget: Budget) -> list[Envelope]:
    return list(budget.envelopes.select_related("district").order_by("district__name"))


@dataclass(frozen=True)
class Turnout:
    ballots: int
    online: int
    paper: int
    by_district: list[tuple[str, int | None]]  # None: fewer than SMALLEST_GROUP
    by_gender: list[tuple[str, int | None]]
    by_age: list[tuple[str, int | None]]


def _shown(count: int) -> int | None:
    return count if count >= SMALLEST_GROUP else None


def turnout(budget: Budget) -> Turnout:
    """Ballots cast, by source and by each self-declared group, with small groups withheld."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT grouping(b.source), grouping(d.name), grouping(b.gender), grouping(b.age_band),
                   b.source, d.name, b.gender, b.age_band, count(*)
              FROM budgeting_ballot b LEFT JOIN layers_district d ON d.id = b.district_id
             WHERE b.budget_id = %s
             GROUP BY GROUPING SETS ((), (b.source), (d.name), (b.gender), (b.age_band))
            """,
            [budget.pk],
        )
        rows = cursor.fetchall()
    total, by_source, districts, genders, ages = 0, {}, [], [], []
    for g_source, g_district, g_gender, g_age, source, district, gender, age, n in rows:
        if g_source and g_district and g_gender and g_age:
            total = n
        elif not g_source:
            by_source[source] = n
        elif not g_district:
            districts.append((district or "", _shown(n)))
        elif not g_gender:
            genders.append((gender or "", _shown(n)))
        elif not g_age:
            ages.append((age or "", _shown(n)))
    return Turnout(
        ballots=total,
        online=by_source.get("online", 0) + by_source.get("imported", 0),
        paper=by_source.get("paper", 0),
        by_district=sorted(districts),
        by_gender=sorted(genders),
        by_age=sorted(ages),
    )


def votes_by_group(budget: Budget, group: str) -> dict[int, dict[str, int | None]]:
    """Votes for each proposal by one self-declared group (gender, age_band or district), small groups withheld."""
    column = {"gender": "b.gender", "age_band": "b.age_band", "district": "coalesce(d.name, '')"}[group]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT chosen.proposal_id, {column}, count(*)
              FROM budgeting_ballot b
              LEFT JOIN layers_district d ON d.id = b.district_id
              CROSS JOIN LATERAL unnest(b.proposals) AS chosen(proposal_id)
             WHERE b.budget_id = %s
             GROUP BY 1, 2
            """,  # noqa: S608 (the column comes from the fixed mapping above)
            [budget.pk],
        )
        rows = cursor.fetchall()
    table: dict[int, dict[str, int | None]] = {}
    for proposal_id, value, n in rows:
        table.setdefault(proposal_id, {})[value or ""] = _shown(n)
    return table


def rolled_up_progress(project: TrackedProject) -> int:
    """A parent's progress: its parts' progress weighted by their budgets."""
    parts = list(project.parts.all())
    weight = sum(p.amount_budgeted for p in parts)
    if not parts or weight == 0:
        return project.progress
    return round(sum(p.progress * p.amount_budgeted for p in parts) / weight)


def tracked_projects(budget: Budget) -> QuerySet[TrackedProject]:
    return budget.tracked_projects.filter(parent__isnull=True).prefetch_related("parts", "milestones").order_by("title")


def projects_geojson(budget: Budget) -> str:
    rows = [
        {
            "type": "Feature",
            "id": project.pk,
            "geometry": json.loads(project.location.geojson) if project.location else None,
            "properties": {
                "title": project.title,
                "status": project.status,
                "progress": rolled_up_progress(project),
                "amount_budgeted": project.amount_budgeted,
                "amount_spent": project.amount_spent,
            },
        }
        for project in tracked_projects(budget)
    ]
    return json.dumps({"type": "FeatureCollection", "features": rows}, ensure_ascii=False)


def phase_index(kind: str) -> int:
    return PHASE_ORDER.index(kind)
