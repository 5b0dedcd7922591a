"""Writes of a participatory budget: phases, proposals and their review, ballots, the count, tracked projects.

Each is one transaction; budgets, proposals, projects and milestones keep a restorable history (simple_history),
which is the review's audit trail.
"""

import itertools
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from gisportal.budgeting import counting, notifications, selectors
from gisportal.budgeting.models import (
    PHASE_ORDER,
    Ballot,
    Budget,
    Envelope,
    Milestone,
    Outcome,
    Phase,
    ProjectFollower,
    Proposal,
    Source,
    TrackedProject,
    Voter,
)
from gisportal.complaints import abuse, photos
from gisportal.participants.models import Participant
from layers.models import District

# --- phases -----------------------------------------------------------------------------------------------


@transaction.atomic
def set_phase_dates(*, budget: Budget, kind: str, starts_on: date, ends_on: date) -> list[Phase]:
    """Move one phase; the phases after it move later and the ones before end sooner, so the order holds."""
    if ends_on < starts_on:
        raise ValidationError(_("A phase cannot end before it starts."))
    phases = {p.kind: p for p in Budget.objects.select_for_update().get(pk=budget.pk).phases.all()}
    phase = phases.get(kind) or Phase(budget=budget, kind=kind)
    phase.starts_on, phase.ends_on = starts_on, ends_on
    ordered = [phases[k] if k != kind else phase for k in PHASE_ORDER if k in phases or k == kind]
    at = ordered.index(phase)
    for earlier, later in itertools.pairwise(ordered[at:]):  # push the later ones
        if later.starts_on <= earlier.ends_on:
            length = later.ends_on - later.starts_on
            later.starts_on = earlier.ends_on + timedelta(days=1)
            later.ends_on = later.starts_on + length
    for later, earlier in zip(reversed(ordered[: at + 1]), reversed(ordered[:at]), strict=False):  # pull the earlier
        if earlier.ends_on >= later.starts_on:
            earlier.ends_on = later.starts_on - timedelta(days=1)
            if earlier.ends_on < earlier.starts_on:
                earlier_name = Phase.Kind(earlier.kind).label
                raise ValidationError(
                    _("The %(phase)s phase would have no days left: move it first.") % {"phase": earlier_name}
                )
    for item in ordered:
        item.save()
    return ordered


def _require_phase(budget: Budget, kind: str, today: date | None = None) -> None:
    current = selectors.current_phase(budget, today)
    if current is None or current.kind != kind:
        label = Phase.Kind(kind).label
        raise ValidationError(_("This can only be done during the %(phase)s phase.") % {"phase": label}, code="phase")


# --- proposals ----------------------------------------------------------------------------------------------


def place_proposal(budget: Budget, location: GEOSGeometry) -> tuple[District | None, Envelope]:
    """The district a proposal lies in (PostGIS, on a point on its surface) and the envelope that pays for it."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ST_Intersects(m.boundary, g.geom),
                   (SELECT d.id FROM layers_district d
                     WHERE d.municipality_id = m.id AND ST_Intersects(d.boundary, ST_PointOnSurface(g.geom))
                     ORDER BY d.id LIMIT 1)
              FROM layers_municipality m, (SELECT ST_GeomFromEWKB(%s) AS geom) g
             WHERE m.id = %s
            """,
            [bytes(location.ewkb), budget.municipality_id],
        )
        inside, district_id = cursor.fetchone()
    if not inside:
        raise ValidationError(
            {"location": _("This place is outside the municipality. Move it onto the map of the municipality.")}
        )
    envelopes = {e.district_id: e for e in budget.envelopes.all()}
    envelope = envelopes.get(district_id) or envelopes.get(None)
    if envelope is None:
        raise ValidationError({"location": _("No money is set aside for this district in this budget.")})
    district = District.objects.filter(pk=district_id).first() if district_id else None
    return district, envelope


def _next_code(budget: Budget) -> str:
    numbers = [int(c[1:]) for c in budget.proposals.filter(code__regex=r"^P\d+$").values_list("code", flat=True)]
    return f"P{max(numbers, default=0) + 1}"


@transaction.atomic
def submit_proposal(
    *,
    budget: Budget,
    title: str,
    description: str,
    category: str,
    location: GEOSGeometry,
    estimated_cost: int,
    author: Participant | None = None,
    staff: User | None = None,
    photo: UploadedFile | None = None,
    ip: str = "",
) -> Proposal:
    """A citizen's proposal during the proposals phase, or a paper one entered by staff before voting."""
    cleaned_photo = photos.clean_photo(photo) if photo is not None else None  # refused before anything is written
    Budget.objects.select_for_update().get(pk=budget.pk)  # codes are numbered one at a time
    if staff is None:
        if author is None:
            raise PermissionDenied(_("Confirm your phone or e-mail first."))
        _require_phase(budget, Phase.Kind.PROPOSALS)
        abuse.hit_participation_limit(action="proposal", ip=ip, contact=author.contact or "")
    elif (current := selectors.current_phase(budget)) and PHASE_ORDER.index(current.kind) >= PHASE_ORDER.index(
        "voting"
    ):
        raise ValidationError(_("Paper proposals are entered before voting opens."))
    district, envelope = place_proposal(budget, location)
    proposal = Proposal(
        budget=budget,
        code=_next_code(budget),
        envelope=envelope,
        district=district,
        title=title,
        description=description,
        category=category,
        location=location,
        estimated_cost=estimated_cost,
        author=author,
        source=Source.PAPER if staff else Source.ONLINE,
        entered_by=staff,
    )
    proposal.full_clean(exclude=["author", "entered_by", "envelope", "photo"])
    _save_with_photo(proposal, cleaned_photo)
    return proposal


def _save_with_photo(row: Proposal | Milestone, photo: ContentFile | None) -> None:
    """Save a row whose photo, if any, was checked: its file written last, and removed if the row is not saved."""
    if photo is not None:
        row.photo.save("photo.jpg", photo, save=False)
    try:
        row.save()
    except BaseException:
        if photo is not None and row.photo.name:
            photos.discard([row.photo.name])
        raise


@transaction.atomic
def review_proposal(
    *, proposal: Proposal, staff: User, feasible: bool, cost: int | None = None, note: str = ""
) -> Proposal:
    """The feasibility review: a cost estimate when feasible, a public reason when not."""
    if proposal.status not in {Proposal.Status.SUBMITTED, Proposal.Status.FEASIBLE, Proposal.Status.UNFEASIBLE}:
        raise ValidationError(_("Only proposals not yet counted or merged can be reviewed."))
    if not feasible and not note.strip():
        raise ValidationError({"review_note": _("Say why the proposal is not feasible.")})
    if feasible and (cost is None or cost <= 0):
        raise ValidationError({"cost": _("Give the municipality's cost estimate.")})
    proposal.status = Proposal.Status.FEASIBLE if feasible else Proposal.Status.UNFEASIBLE
    proposal.cost, proposal.review_note = (cost if feasible else proposal.cost), note.strip()
    proposal._change_reason = _("feasibility review")  # type: ignore[attr-defined]
    proposal.save()
    return proposal


@transaction.atomic
def merge_proposals(*, into: Proposal, others: list[Proposal], staff: User) -> Proposal:
    """Several citizens proposed the same thing: the others point to one, which carries on."""
    for other in others:
        if other.pk == into.pk or other.budget_id != into.budget_id:
            raise ValidationError(_("Only other proposals of the same budget can be merged."))
        other.status, other.merged_into = Proposal.Status.MERGED, into
        other.review_note = other.review_note or _("Merged into %(code)s.") % {"code": into.code}
        other.save()
        update_change_reason(other, _("merged"))
    return into


# --- ballots -------------------------------------------------------------------------------------------------


def check_choices(budget: Budget, district: District | None, chosen_ids: list[int]) -> list[Proposal]:
    """The chosen proposals, refused with a reason that says which rule a ballot breaks."""
    options = selectors.ballot_options(budget, district)
    on_ballot = {p.pk: p for proposals in options.values() for p in proposals}
    unknown = [pk for pk in chosen_ids if pk not in on_ballot]
    if unknown or len(set(chosen_ids)) != len(chosen_ids):
        raise ValidationError(_("This ballot holds projects that are not on your ballot."))
    chosen = [on_ballot[pk] for pk in chosen_ids]
    if not chosen:
        raise ValidationError(_("Choose at least one project."))
    envelopes = {e.pk: e for e in budget.envelopes.all()}
    for envelope_id in options:
        mine = [p for p in chosen if p.envelope_id == envelope_id]
        envelope = envelopes[envelope_id]
        if budget.method == Budget.Method.APPROVAL:
            if budget.max_choices and len(mine) > budget.max_choices:
                raise ValidationError(
                    _("Choose at most %(n)s projects for %(where)s.") % {"n": budget.max_choices, "where": envelope}
                )
            continue
        total = sum(p.ballot_cost for p in mine)
        if total > envelope.amount:
            raise ValidationError(
                _("The projects you chose for %(where)s cost %(total)s, more than its %(amount)s.")
                % {"where": envelope, "total": f"{total:,}", "amount": f"{envelope.amount:,}"}
            )
        if mine and budget.min_share and total * 100 < envelope.amount * budget.min_share:
            raise ValidationError(
                _("Use at least %(share)s%% of the money of %(where)s (you chose %(total)s of %(amount)s).")
                % {
                    "share": budget.min_share,
                    "where": envelope,
                    "total": f"{total:,}",
                    "amount": f"{envelope.amount:,}",
                }
            )
    return chosen


@transaction.atomic
def cast_ballot(
    *,
    budget: Budget,
    participant: Participant,
    proposal_ids: list[int],
    district: District | None,
    staff: User | None = None,
    ip: str = "",
) -> Ballot:
    """One participant, one ballot: online she may change it until voting closes; a paper ballot is final."""
    if district is not None and district.municipality_id != budget.municipality_id:
        raise ValidationError(_("Choose a district of this municipality."))
    _require_phase(budget, Phase.Kind.VOTING)  # paper ballots too: they are entered while voting is open
    if staff is None:
        abuse.hit_participation_limit(action="ballot", ip=ip, contact=participant.contact or "")
    chosen = check_choices(budget, district, proposal_ids)
    source = Source.PAPER if staff else Source.ONLINE
    voter = Voter.objects.select_for_update().filter(budget=budget, participant=participant).first()
    if voter is not None and (staff is not None or voter.source == Source.PAPER):
        raise ValidationError(_("This person has already voted in this budget."), code="already_voted")
    if voter is None:
        try:
            with transaction.atomic():
                Voter.objects.create(budget=budget, participant=participant, source=source, entered_by=staff)
        except IntegrityError:  # the same person voting from two phones at the same moment
            raise ValidationError(_("This person has already voted in this budget."), code="already_voted") from None
    ballot = Ballot(
        key=selectors.ballot_key(budget, participant),
        budget=budget,
        district=district,
        gender=participant.gender,
        age_band=participant.age_band,
        source=source,
        proposals=[p.pk for p in chosen],
    )
    # One INSERT … ON CONFLICT: her first ballot, or the one she changes (the voter row above is locked).
    Ballot.objects.bulk_create(
        [ballot],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["district", "gender", "age_band", "source", "proposals", "points"],
    )
    return ballot


# --- results ---------------------------------------------------------------------------------------------------


@transaction.atomic
def count_results(*, budget: Budget) -> list[Outcome]:
    """Count every envelope with the budget's rule; the proposals on the ballot become selected or not."""
    Budget.objects.select_for_update().get(pk=budget.pk)
    outcomes = counting.count(budget)
    Outcome.objects.filter(proposal__budget=budget).delete()
    Outcome.objects.bulk_create(outcomes)
    selected = [o.proposal_id for o in outcomes if o.selected]
    counted = [o.proposal_id for o in outcomes]
    budget.proposals.filter(pk__in=counted).exclude(pk__in=selected).update(status=Proposal.Status.NOT_SELECTED)
    budget.proposals.filter(pk__in=selected).update(status=Proposal.Status.SELECTED)
    return outcomes


@transaction.atomic
def publish_results(*, budget: Budget) -> Budget:
    """Publish the count; each selected proposal becomes a project the municipality tracks in public."""
    count_results(budget=budget)
    budget.results_published_at = timezone.now()
    budget.save(update_fields=["results_published_at"])
    for proposal in budget.proposals.filter(status=Proposal.Status.SELECTED, tracked__isnull=True):
        TrackedProject.objects.create(
            budget=budget,
            proposal=proposal,
            title=proposal.title,
            location=proposal.location,
            amount_budgeted=proposal.ballot_cost,
        )
    return budget


# --- tracked projects -----------------------------------------------------------------------------------------


@transaction.atomic
def update_project(
    *, project: TrackedProject, status: str, progress: int, amount_spent: int, note: str = ""
) -> TrackedProject:
    """Staff report where a winning project stands; its followers hear of it once the change is stored."""
    if project.parts.exists() and progress != selectors.rolled_up_progress(project):
        raise ValidationError({"progress": _("This project's progress comes from its parts.")})
    project.status, project.progress, project.amount_spent = status, progress, amount_spent
    project.full_clean()
    project.save()
    if note:
        update_change_reason(project, note)
    notifications.project_changed(project, note)
    return project


@transaction.atomic
def add_milestone(
    *,
    project: TrackedProject,
    title: str,
    planned_on: date,
    done_on: date | None = None,
    note: str = "",
    photo: UploadedFile | None = None,
) -> Milestone:
    cleaned_photo = photos.clean_photo(photo) if photo is not None else None
    milestone = Milestone(project=project, title=title, planned_on=planned_on, done_on=done_on, note=note)
    milestone.full_clean(exclude=["photo"])
    _save_with_photo(milestone, cleaned_photo)
    notifications.project_changed(project, title)
    return milestone


def follow_project(*, project: TrackedProject, participant: Participant) -> None:
    ProjectFollower.objects.get_or_create(project=project, participant=participant)
