"""Reads of community score cards: cycles, their phase today, the score card table, the action plan.

Online scores are only ever read as aggregates (mean and count per indicator); nothing here returns a participant.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Avg, Count, Prefetch, QuerySet
from django.utils import timezone

from gisportal.community_scorecards.models import (
    PHASE_ORDER,
    ActionItem,
    ActionUpdate,
    Cycle,
    FocusGroup,
    GroupScore,
    Indicator,
    OnlineScore,
    Phase,
)
from gisportal.participants.models import Participant


def cycles_of(code: str) -> QuerySet[Cycle]:
    return (
        Cycle.objects.filter(municipality__code=code)
        .select_related("municipality", "facility", "district")
        .prefetch_related("phases")
    )


def cycle_of(code: str, pk: int) -> Cycle | None:
    return cycles_of(code).filter(pk=pk).first()


def current_phase(cycle: Cycle, today: date | None = None) -> Phase | None:
    """The phase running today; between two phases, the last one that started (its work carries on)."""
    today = today or timezone.localdate()
    started = [p for p in cycle.phases.all() if p.starts_on <= today]
    running = [p for p in started if p.ends_on >= today]
    if running:
        return running[0]
    return max(started, key=lambda p: PHASE_ORDER.index(p.kind), default=None)


def scoring_open(cycle: Cycle, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return any(p.kind == Phase.Kind.SCORING and p.starts_on <= today <= p.ends_on for p in cycle.phases.all())


def reached(cycle: Cycle, kind: str, today: date | None = None) -> bool:
    """Whether the cycle has reached the phase `kind` (or a later one), or has no dated phases at all."""
    current = current_phase(cycle, today)
    if current is None:
        return not cycle.phases.exists()
    return PHASE_ORDER.index(current.kind) >= PHASE_ORDER.index(kind)


def past(cycle: Cycle, kind: str, today: date | None = None) -> bool:
    """Whether the dated cycle has reached the phase `kind`: what closes then is closed (an undated cycle is open)."""
    return cycle.phases.exists() and reached(cycle, kind, today)


@dataclass
class Comment:
    who: str  # the group's label, "self-evaluation" or "online", never a person
    score: int
    reason: str
    suggestion: str


@dataclass
class Row:
    """One performance indicator on the score card: each group's score, the provider's, the online mean."""

    indicator: Indicator
    by_group: list[tuple[FocusGroup, int]] = field(default_factory=list)
    self_score: int | None = None
    online_mean: float | None = None
    online_count: int = 0
    comments: list[Comment] = field(default_factory=list)

    @property
    def groups_mean(self) -> float | None:
        if not self.by_group:
            return None
        return sum(score for _g, score in self.by_group) / len(self.by_group)

    @property
    def gap(self) -> float | None:
        """How much better the provider sees itself than the groups do (positive: it rates itself higher)."""
        if self.self_score is None or self.groups_mean is None:
            return None
        return self.self_score - self.groups_mean


def score_card(cycle: Cycle) -> list[Row]:
    """The score card, in four queries: indicators with self-evaluations, group scores, online aggregates."""
    indicators = list(cycle.indicators.select_related("self_evaluation").order_by("pk"))
    rows = {i.pk: Row(indicator=i) for i in indicators}
    scores = (
        GroupScore.objects.filter(indicator__cycle=cycle)
        .select_related("group__district")
        .order_by("group__met_on", "group__pk")
    )
    for s in scores:
        row = rows[s.indicator_id]
        row.by_group.append((s.group, s.score))
        row.comments.append(Comment(str(s.group), s.score, s.reason, s.suggestion))
    for indicator in indicators:
        evaluation = getattr(indicator, "self_evaluation", None)
        if evaluation is not None:
            rows[indicator.pk].self_score = evaluation.score
            rows[indicator.pk].comments.append(Comment("", evaluation.score, evaluation.reason, evaluation.suggestion))
    online = (
        OnlineScore.objects.filter(cycle=cycle)
        .values("indicator")
        .annotate(mean=Avg("score"), count=Count("pk"))
        .order_by()
    )
    for agg in online:
        row = rows[agg["indicator"]]
        row.online_mean, row.online_count = float(agg["mean"]), agg["count"]
    return list(rows.values())


def online_participants(cycle: Cycle) -> int:
    return OnlineScore.objects.filter(cycle=cycle).values("participant").distinct().count()


def online_comments(cycle: Cycle) -> list[tuple[str, int, str, str]]:
    """What residents wrote online (indicator, score, reason, suggestion), for staff preparing the interface
    meeting: free text may name people, so it is not published, and it never comes with who wrote it."""
    rows = (
        OnlineScore.objects.filter(cycle=cycle)
        .exclude(reason="", suggestion="")
        .order_by("indicator_id", "score", "pk")
        .values_list("indicator__name", "score", "reason", "suggestion")
    )
    return list(rows)


def own_scores(cycle: Cycle, participant: Participant) -> dict[int, OnlineScore]:
    return {s.indicator_id: s for s in OnlineScore.objects.filter(cycle=cycle, participant=participant)}


def effective_status(action: ActionItem, today: date | None = None) -> str:
    """An action not done by its date is late, whatever its last update said."""
    today = today or timezone.localdate()
    if action.status != ActionItem.Status.DONE and action.due_on < today:
        return ActionItem.Status.LATE
    return action.status


def action_plan(cycle: Cycle) -> list[tuple[ActionItem, str]]:
    actions = cycle.actions.select_related("indicator").prefetch_related(
        Prefetch("updates", queryset=ActionUpdate.objects.order_by("on", "pk"))
    )
    return [(a, effective_status(a)) for a in actions]


def plan_progress(plan: list[tuple[ActionItem, str]]) -> dict[str, int]:
    counts = dict.fromkeys(ActionItem.Status.values, 0)
    for _action, status in plan:
        counts[status] += 1
    return counts


def open_for_scoring(**where: object) -> list[tuple[Cycle, Phase]]:
    today = timezone.localdate()
    phases = (
        Phase.objects.filter(kind=Phase.Kind.SCORING, starts_on__lte=today, ends_on__gte=today, **where)
        .select_related("cycle__municipality")
        .order_by("ends_on")
    )
    return [(p.cycle, p) for p in phases]
