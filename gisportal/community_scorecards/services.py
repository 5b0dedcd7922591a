"""Writes of a community score card cycle, each one transaction with a restorable history (simple_history).

Staff enter what was gathered on paper (facts, focus groups, the self-evaluation, the action plan and its updates);
verified participants score online while scoring is open, under the portal's ban list and rate limits.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gisportal.community_scorecards import selectors
from gisportal.community_scorecards.models import (
    HIGHEST,
    LOWEST,
    PHASE_ORDER,
    ActionItem,
    ActionUpdate,
    Cycle,
    FocusGroup,
    GroupScore,
    Indicator,
    InputIndicator,
    OnlineScore,
    Phase,
    SelfEvaluation,
)
from gisportal.complaints import abuse
from gisportal.participants.models import Participant
from layers.models import District, Municipality, ServicePoint


@dataclass(frozen=True)
class Score:
    """A score given to one indicator, with its reason and suggestion."""

    indicator: Indicator
    score: int
    reason: str = ""
    suggestion: str = ""


def _check_score(score: int) -> None:
    if not LOWEST <= score <= HIGHEST:
        raise ValidationError(_("A score runs from 1 (very bad) to 5 (very good)."), code="scale")


def _check_indicator(cycle: Cycle, indicator: Indicator) -> None:
    if indicator.cycle_id != cycle.pk:
        raise ValidationError(_("This indicator belongs to another score card."), code="indicator")


def _reason(change: object, why: str) -> None:
    change._change_reason = why  # type: ignore[attr-defined]


# --- the cycle ------------------------------------------------------------------------------------------------


@transaction.atomic
def create_cycle(
    *,
    municipality: Municipality,
    title: str,
    service: str,
    provider: str,
    phases: dict[str, tuple[date, date]],
    subject: str = Cycle.Subject.SERVICE,
    facility: ServicePoint | None = None,
    district: District | None = None,
) -> Cycle:
    """A new cycle with its phases in the method's order (each starts after the one before ends)."""
    if facility is not None and facility.municipality_id != municipality.pk:
        raise ValidationError({"facility": _("This facility is in another municipality.")})
    if district is not None and district.municipality_id != municipality.pk:
        raise ValidationError({"district": _("This district is in another municipality.")})
    cycle = Cycle(
        municipality=municipality,
        title=title.strip(),
        service=service,
        provider=provider.strip(),
        subject=subject,
        facility=facility if subject == Cycle.Subject.FACILITY else None,
        district=district if subject == Cycle.Subject.TERRITORY else None,
    )
    if subject == Cycle.Subject.FACILITY and facility is None:
        raise ValidationError({"facility": _("Choose the facility this score card is about.")})
    if subject == Cycle.Subject.TERRITORY and district is None:
        raise ValidationError({"district": _("Choose the district this score card is about.")})
    cycle.full_clean()
    cycle.save()
    set_phases(cycle=cycle, phases=phases)
    return cycle


def check_phase_order(phases: dict[str, tuple[date, date]]) -> list[tuple[str, tuple[date, date]]]:
    """The phases in the method's order, refused when one ends before it starts or overlaps the one before."""
    ordered = [(kind, phases[kind]) for kind in PHASE_ORDER if kind in phases]
    previous_end: date | None = None
    for kind, (starts_on, ends_on) in ordered:
        label = Phase.Kind(kind).label
        if ends_on < starts_on:
            raise ValidationError(_("The %(phase)s phase cannot end before it starts.") % {"phase": label})
        if previous_end is not None and starts_on <= previous_end:
            raise ValidationError(
                _("The %(phase)s phase must start after the phase before it ends.") % {"phase": label}
            )
        previous_end = ends_on
    return ordered


@transaction.atomic
def set_phases(*, cycle: Cycle, phases: dict[str, tuple[date, date]]) -> list[Phase]:
    """Replace the cycle's dates; the phases must follow the method's order without overlapping."""
    Cycle.objects.select_for_update().get(pk=cycle.pk)
    ordered = check_phase_order(phases)
    saved = []
    for kind, (starts_on, ends_on) in ordered:
        phase, _created = Phase.objects.update_or_create(
            cycle=cycle, kind=kind, defaults={"starts_on": starts_on, "ends_on": ends_on}
        )
        saved.append(phase)
    Phase.objects.filter(cycle=cycle).exclude(kind__in=phases).delete()
    return saved


# --- facts and indicators -----------------------------------------------------------------------------------


@transaction.atomic
def record_input(
    *, cycle: Cycle, name: str, value: Decimal, unit: str, source: str, planned: Decimal | None = None
) -> InputIndicator:
    """A fact about the service's means, or its corrected value (same name): the history keeps the old one."""
    if not source.strip():
        raise ValidationError({"source": _("Say where this figure comes from.")})
    if value < 0 or (planned is not None and planned < 0):
        raise ValidationError({"value": _("A figure cannot be negative.")})
    fact = InputIndicator.objects.select_for_update().filter(cycle=cycle, name=name.strip()).first()
    fact = fact or InputIndicator(cycle=cycle, name=name.strip())
    fact.value, fact.unit, fact.source, fact.planned = value, unit.strip(), source.strip(), planned
    fact.full_clean()
    fact.save()
    return fact


@transaction.atomic
def add_indicator(*, cycle: Cycle, name: str) -> Indicator:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the indicator.")})
    if cycle.indicators.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("This score card already has this indicator.")})
    if selectors.past(cycle, Phase.Kind.INTERFACE):
        raise ValidationError(_("Indicators are chosen before the interface meeting."))
    return Indicator.objects.create(cycle=cycle, name=name)


# --- scores ---------------------------------------------------------------------------------------------------


@transaction.atomic
def record_focus_group(
    *,
    cycle: Cycle,
    kind: str,
    size: int,
    met_on: date,
    place: str,
    scores: list[Score],
    staff: User | None,
    district: District | None = None,
) -> FocusGroup:
    """A focus group's paper score card: who met (how many, when, where) and its score of each indicator."""
    if kind == FocusGroup.Kind.DISTRICT and district is None:
        raise ValidationError({"district": _("Say which marginalised district the group comes from.")})
    if district is not None and district.municipality_id != cycle.municipality_id:
        raise ValidationError({"district": _("This district is in another municipality.")})
    if not scores:
        raise ValidationError(_("Give the group's score of at least one indicator."))
    if met_on > timezone.localdate():
        raise ValidationError({"met_on": _("A group cannot have met in the future.")})
    seen: set[int] = set()
    for given in scores:
        _check_indicator(cycle, given.indicator)
        _check_score(given.score)
        if not given.reason.strip():
            raise ValidationError(
                _("Give the group's reason for its score of “%(indicator)s”.") % {"indicator": given.indicator.name}
            )
        if given.indicator.pk in seen:
            raise ValidationError(_("Each indicator is scored once per group."))
        seen.add(given.indicator.pk)
    group = FocusGroup(
        cycle=cycle,
        kind=kind,
        district=district if kind == FocusGroup.Kind.DISTRICT else None,
        size=size,
        met_on=met_on,
        place=place.strip(),
        entered_by=staff,
    )
    group.full_clean(exclude=["entered_by"])
    group.save()
    for given in scores:
        GroupScore.objects.create(
            group=group,
            indicator=given.indicator,
            score=given.score,
            reason=given.reason.strip(),
            suggestion=given.suggestion.strip(),
        )
    return group


@transaction.atomic
def record_self_evaluation(*, indicator: Indicator, score: Score, staff: User | None) -> SelfEvaluation:
    """The provider's own score of an indicator (before the interface meeting), or its correction."""
    _check_indicator(indicator.cycle, score.indicator)
    _check_score(score.score)
    if not score.reason.strip():
        raise ValidationError({"reason": _("Give the provider's reason for its score.")})
    if selectors.past(indicator.cycle, Phase.Kind.FOLLOW_UP):
        raise ValidationError(_("The self-evaluation is closed once the action plan is agreed."))
    evaluation = SelfEvaluation.objects.select_for_update().filter(indicator=indicator).first() or SelfEvaluation(
        indicator=indicator
    )
    evaluation.score, evaluation.reason, evaluation.suggestion = score.score, score.reason.strip(), score.suggestion
    evaluation.entered_by = staff
    evaluation.save()
    return evaluation


@transaction.atomic
def score_online(*, cycle: Cycle, participant: Participant, scores: list[Score], ip: str = "") -> list[OnlineScore]:
    """A verified participant's scores, one per indicator: given again, they replace hers while scoring is open."""
    if participant.verified_at is None:
        raise PermissionDenied(_("Confirm your phone or e-mail first."))
    if not selectors.scoring_open(cycle):
        raise ValidationError(_("Scoring is closed for this score card."), code="closed")
    if not scores:
        raise ValidationError(_("Score at least one indicator."))
    for given in scores:
        _check_indicator(cycle, given.indicator)
        _check_score(given.score)
    abuse.check_ban(ip=ip, contact=participant.contact or "")
    abuse.hit_participation_limit(action="score-card", ip=ip, contact=participant.contact or "")
    saved = []
    for given in scores:
        try:
            with transaction.atomic():
                online, created = OnlineScore.objects.select_for_update().get_or_create(
                    cycle=cycle,
                    indicator=given.indicator,
                    participant=participant,
                    defaults={"score": given.score, "reason": given.reason.strip(), "suggestion": given.suggestion},
                )
        except IntegrityError:  # the same score sent twice at once from two tabs: take the one stored
            online, created = (
                OnlineScore.objects.get(cycle=cycle, indicator=given.indicator, participant=participant),
                False,
            )
        if not created:
            online.score, online.reason, online.suggestion = given.score, given.reason.strip(), given.suggestion.strip()
            _reason(online, _("changed by the participant"))
            online.save()
        saved.append(online)
    return saved


# --- the action plan ----------------------------------------------------------------------------------------


@transaction.atomic
def agree_action(
    *, cycle: Cycle, what: str, who: str, due_on: date, agreed_on: date, indicator: Indicator | None = None
) -> ActionItem:
    """One line of the action plan agreed at the interface meeting."""
    if not selectors.reached(cycle, Phase.Kind.INTERFACE):
        raise ValidationError(_("The action plan is agreed at the interface meeting."))
    if indicator is not None:
        _check_indicator(cycle, indicator)
    if not what.strip() or not who.strip():
        raise ValidationError(_("Say what will be done and who is responsible."))
    if due_on < agreed_on:
        raise ValidationError({"due_on": _("An action cannot be due before it is agreed.")})
    action = ActionItem(
        cycle=cycle, indicator=indicator, what=what.strip(), who=who.strip(), due_on=due_on, agreed_on=agreed_on
    )
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def update_action(*, action: ActionItem, status: str, note: str, on: date, staff: User | None) -> ActionUpdate:
    """A dated step of an action (its new status and what happened); 'done' closes it on that date."""
    action = ActionItem.objects.select_for_update().get(pk=action.pk)
    if status not in ActionItem.Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    if not note.strip():
        raise ValidationError({"note": _("Say what happened.")})
    if on < action.agreed_on or on > timezone.localdate():
        raise ValidationError({"on": _("An update is dated between the agreement and today.")})
    if action.status == ActionItem.Status.DONE and status != ActionItem.Status.DONE:
        _reason(action, _("reopened"))
    update = ActionUpdate.objects.create(action=action, on=on, status=status, note=note.strip(), entered_by=staff)
    action.status = status
    action.done_on = on if status == ActionItem.Status.DONE else None
    action.save(update_fields=["status", "done_on"])
    return update
