"""Budgets to and from Pabulib files: an envelope's election exported for research, a published election imported.

An export carries no personal data: each voter is a number in the file's own order (ballots are stored by
their keyed hash, which is not exported), with the self-declared sex and district where given.
"""

import hashlib

from django.db import transaction
from django.utils import timezone

from gisportal.budgeting import counting, pabulib, services
from gisportal.budgeting.models import Ballot, Budget, Envelope, Phase, Proposal, Source
from gisportal.participants.models import AgeBand, Gender
from layers.models import Municipality

SEX: dict[str, str] = {Gender.WOMAN: "F", Gender.MAN: "M"}
RULES: dict[str, str] = {Budget.Rule.GREEDY: "greedy", Budget.Rule.EQUAL_SHARES: "equalshares/add1"}


def export_envelope(budget: Budget, envelope: Envelope) -> str:
    """One envelope as a Pabulib election (Pabulib has one budget per file: a district is its `subunit`)."""
    proposals, voters, _ballots = counting.envelope_ballots(
        envelope, counting.on_ballot(budget), counting.ballot_rows(budget)
    )
    published = budget.results_published_at is not None
    meta = {
        "description": budget.title,
        "country": "Tunisia",
        "unit": budget.municipality.name_fr,
        "instance": str(budget.year),
        "budget": str(envelope.amount),
        "vote_type": "approval",
        "rule": RULES[budget.rule],
        "currency": budget.currency,
    }
    if envelope.district:
        meta["subunit"] = envelope.district.name
    if budget.method == Budget.Method.APPROVAL and budget.max_choices:
        meta["max_length"] = str(budget.max_choices)
    else:
        meta["max_sum_cost"] = str(envelope.amount)  # knapsack ballots: approval within the envelope
    if voting := budget.phases.filter(kind=Phase.Kind.VOTING).first():
        meta["date_begin"], meta["date_end"] = (
            voting.starts_on.strftime("%d.%m.%Y"),
            voting.ends_on.strftime("%d.%m.%Y"),
        )
    in_envelope = {p.pk: p for p in proposals}
    projects = {}
    for p in proposals:
        outcome = getattr(p, "outcome", None)
        extra = {"category": p.category}
        if p.location:
            centre = p.location.point_on_surface
            extra |= {"latitude": f"{centre.y:.6f}", "longitude": f"{centre.x:.6f}"}
        projects[p.code] = pabulib.ProjectRow(
            id=p.code,
            cost=p.ballot_cost,
            name=p.title,
            extra=extra,
            selected=outcome.selected if published and outcome else None,
            votes=outcome.support if published and outcome else None,
        )
    rows = []
    for number, (_district, chosen, _points, gender, _age) in enumerate(voters, start=1):
        mine = [pk for pk in chosen if pk in in_envelope]
        if not mine:
            continue
        extra = {"sex": SEX.get(gender, "")} if gender else {}
        rows.append(pabulib.VoterRow(id=str(number), choices=tuple(in_envelope[pk].code for pk in mine), extra=extra))
    return pabulib.write(pabulib.Election(meta=meta, projects=projects, voters=rows))


def _age_band(text: str) -> str:
    if not text.strip().isdigit():
        return ""
    age = int(text)
    for band, upper in ((AgeBand.UNDER_18, 17), (AgeBand.FROM_18, 29), (AgeBand.FROM_30, 44), (AgeBand.FROM_45, 59)):
        if age <= upper:
            return band
    return AgeBand.FROM_60


@transaction.atomic
def import_election(
    election: pabulib.Election, *, municipality: Municipality, year: int | None = None, rule: str | None = None
) -> Budget:
    """A published Pabulib election stored as a budget of this municipality: its projects, ballots and count
    (by `rule`, or the rule the file names)."""
    instance = election.meta.get("instance", "")[:4]
    year = year or (int(instance) if instance.isdigit() else timezone.localdate().year)
    if rule is None:
        named = election.meta.get("rule", "")
        rule = Budget.Rule.EQUAL_SHARES if named.startswith("equalshares") else Budget.Rule.GREEDY
    approval = election.meta.get("max_length")
    budget = Budget.objects.create(
        municipality=municipality,
        year=year,
        title=election.meta.get("description") or f"{election.meta.get('unit', '')} {year}".strip(),
        method=Budget.Method.APPROVAL if approval else Budget.Method.KNAPSACK,
        max_choices=int(approval) if approval and approval.isdigit() else None,
        rule=rule,
        currency=election.meta.get("currency", "TND")[:3],
    )
    envelope = Envelope.objects.create(budget=budget, amount=election.budget)
    proposals = Proposal.objects.bulk_create(
        Proposal(
            budget=budget,
            code=row.id,
            envelope=envelope,
            title=(row.name or row.id)[:200],
            description=row.extra.get("description", ""),
            estimated_cost=row.cost,
            cost=row.cost,
            status=Proposal.Status.FEASIBLE,
            source=Source.IMPORTED,
        )
        for row in election.projects.values()
    )
    ids = {p.code: p.pk for p in proposals}
    with_points = election.vote_type in pabulib.WITH_POINTS
    Ballot.objects.bulk_create(
        (
            Ballot(
                key=hashlib.sha256(f"pabulib:{budget.pk}:{voter.id}".encode()).hexdigest(),
                budget=budget,
                gender={"F": Gender.WOMAN, "M": Gender.MAN}.get(voter.extra.get("sex", "").upper(), ""),
                age_band=_age_band(voter.extra.get("age", "")),
                source=Source.IMPORTED,
                proposals=[ids[c] for c in voter.choices],
                points=list(voter.points) if with_points and voter.points else None,
            )
            for voter in election.voters
        ),
        batch_size=5000,
    )
    services.count_results(budget=budget)
    return budget
