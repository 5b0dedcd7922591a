"""Demo participatory budgets for the three pilots, one in each phase: same seed, same data.

Phase dates are laid out around the day the demo is loaded, so that there is always a cycle open for proposals,
one open for voting and one being built. Participants are fictitious (contacts under example.invalid).
"""

import random
from datetime import date, timedelta

from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.utils import timezone

from gisportal.budgeting import selectors, services
from gisportal.budgeting.models import PHASE_ORDER, Ballot, Budget, Envelope, Milestone, Phase, Proposal, Source, Voter
from gisportal.participants.models import AgeBand, Gender, Participant
from layers.models import District, Municipality

SEED = 2016
# (municipality, year, phase running on the load day, counting rule, ballots cast)
CYCLES = (
    ("6211", 2026, "implementation", Budget.Rule.GREEDY, 420),
    ("6211", 2027, "voting", Budget.Rule.GREEDY, 260),
    ("2111", 2026, "results", Budget.Rule.EQUAL_SHARES, 380),
    ("2111", 2027, "proposals", Budget.Rule.GREEDY, 0),
    ("3111", 2026, "implementation", Budget.Rule.EQUAL_SHARES, 610),
    ("3111", 2027, "review", Budget.Rule.EQUAL_SHARES, 0),
    ("3111", 2028, "information", Budget.Rule.GREEDY, 0),
)
IDEAS = (
    ("green", "Aménagement d'un jardin public", 45_000),
    ("lighting", "Éclairage public LED de la rue principale", 30_000),
    ("sport", "Terrain de sport de proximité", 70_000),
    ("roads", "Réhabilitation des trottoirs près de l'école", 55_000),
    ("waste", "Bacs à ordures enterrés au marché", 38_000),
    ("access", "Rampes d'accès à la maison des services", 12_000),
    ("culture", "Bibliothèque de quartier", 60_000),
    ("green", "تشجير الطريق المؤدية إلى الحي", 18_000),
    ("roads", "مخففات السرعة أمام المدرسة", 9_000),
    ("water", "نافورة ماء صالح للشرب في الساحة", 15_000),
    ("sport", "فضاء للشباب والأنشطة", 40_000),
    ("health", "Aménagement de l'accès au centre de santé de base", 25_000),
    ("lighting", "إنارة عمومية بالطاقة الشمسية", 22_000),
    ("culture", "Fresques murales avec les jeunes du quartier", 8_000),
)
# A realistic mix of who votes: slightly more men online, more women on paper (the rural vote), many young.
GENDERS = ((Gender.WOMAN, 46), (Gender.MAN, 48), ("", 6))
AGES = (
    (AgeBand.UNDER_18, 6),
    (AgeBand.FROM_18, 34),
    (AgeBand.FROM_30, 30),
    (AgeBand.FROM_45, 18),
    (AgeBand.FROM_60, 9),
    ("", 3),
)


def _pick(rng: random.Random, weighted: tuple) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _phases(budget: Budget, running: str, today: date) -> None:
    at = PHASE_ORDER.index(running)
    lengths = {"information": 21, "proposals": 30, "review": 21, "voting": 14, "results": 10, "implementation": 300}
    start = today - timedelta(days=sum(lengths[k] for k in PHASE_ORDER[:at]) + lengths[running] // 2)
    for kind in PHASE_ORDER:
        Phase.objects.create(
            budget=budget, kind=kind, starts_on=start, ends_on=start + timedelta(days=lengths[kind] - 1)
        )
        start += timedelta(days=lengths[kind])


def _points(district: District, n: int, seed: int) -> list[Point]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT ST_X(g), ST_Y(g)
                 FROM (SELECT (ST_Dump(ST_GeneratePoints(ST_Buffer(boundary, -0.0005), %s, %s))).geom AS g
                         FROM layers_district WHERE id = %s) p""",
            [n, seed, district.pk],
        )
        return [Point(x, y, srid=4326) for x, y in cursor.fetchall()]


@transaction.atomic
def seed(*, seed: int = SEED, today: date | None = None) -> int:
    """Every demo cycle; returns the ballots cast."""
    today = today or timezone.localdate()
    rng = random.Random(seed)
    cast = 0
    for n, (code, year, running, rule, ballots) in enumerate(CYCLES):
        municipality = Municipality.objects.get(code=code)
        cast += _cycle(municipality, year, running, rule, ballots, rng, seed + n, today)
    return cast


def _cycle(
    municipality: Municipality,
    year: int,
    running: str,
    rule: str,
    ballots: int,
    rng: random.Random,
    seed: int,
    today: date,
) -> int:
    budget = Budget.objects.create(
        municipality=municipality,
        year=year,
        title=f"Budget participatif {municipality.name_fr} {year}",
        description="Les habitants proposent des projets pour leur quartier, la commune étudie leur faisabilité, "
        "puis tout le monde vote. / يقترح المتساكنون مشاريع لأحيائهم وتدرس البلدية جدواها ثم يصوّت الجميع.",
        method=Budget.Method.KNAPSACK if year % 2 else Budget.Method.APPROVAL,
        max_choices=None if year % 2 else 3,
        rule=rule,
    )
    _phases(budget, running, today)
    districts = list(District.objects.filter(municipality=municipality).order_by("-marginalisation_score", "pk"))
    Envelope.objects.create(budget=budget, amount=300_000)
    # The two most marginalised districts get money of their own.
    for district in districts[:2]:
        Envelope.objects.create(budget=budget, district=district, amount=100_000)
    if running == "information":
        return 0
    stage = PHASE_ORDER.index(running)
    authors = [Participant.objects.create(contact=f"demo-{seed}-{i}@example.invalid") for i in range(len(IDEAS))]
    proposals = []
    for i, (category, title, cost) in enumerate(IDEAS):
        district = districts[i % len(districts)] if i % 3 else districts[i % 2]
        proposal = Proposal.objects.create(
            budget=budget,
            code=f"P{i + 1}",
            envelope=budget.envelopes.filter(district=district).first() or budget.envelopes.get(district=None),
            district=district,
            title=title,
            description="Proposé par des habitants du quartier. / مقترح من متساكني الحي.",
            category=category,
            location=_points(district, 1, seed + i)[0],
            estimated_cost=cost,
            author=authors[i],
            source=Source.PAPER if i % 5 == 4 else Source.ONLINE,
        )
        proposals.append(proposal)
    if stage < PHASE_ORDER.index("review"):
        return 0
    for i, proposal in enumerate(proposals):
        if stage == PHASE_ORDER.index("review") and i % 2:
            continue  # the review is under way
        if i == 10:
            proposal.status, proposal.review_note = (
                Proposal.Status.UNFEASIBLE,
                "Le terrain n'appartient pas à la commune.",
            )
        elif i == 13:
            proposal.status, proposal.merged_into = Proposal.Status.MERGED, proposals[6]
        else:
            proposal.status = Proposal.Status.FEASIBLE
            proposal.cost = int(round(proposal.estimated_cost * rng.uniform(0.9, 1.4), -2))
        proposal.save()
    if stage < PHASE_ORDER.index("voting"):
        return 0
    _ballots(budget, districts, ballots, rng, seed)
    if stage >= PHASE_ORDER.index("results"):
        services.publish_results(budget=budget)
        _progress(budget, rng, today, built=stage == PHASE_ORDER.index("implementation"))
    return ballots


def _ballots(budget: Budget, districts: list[District], count: int, rng: random.Random, seed: int) -> None:
    """Ballots that follow the rules, as if cast on the ballot page: popular projects chosen more often."""
    voters, rows = [], []
    for i in range(count):
        paper = rng.random() < 0.15
        participant = Participant(
            contact=None if paper else f"voter-{seed}-{i}@example.invalid",
            source=Participant.Source.PAPER if paper else Participant.Source.ONLINE,
            gender=_pick(rng, GENDERS),
            age_band=_pick(rng, AGES),
            district=rng.choice(districts),
        )
        voters.append(participant)
    Participant.objects.bulk_create(voters)
    amounts = dict(budget.envelopes.values_list("pk", "amount"))
    ballot_of = {d.pk: selectors.ballot_options(budget, d) for d in districts}
    for participant in voters:
        options = ballot_of[participant.district.pk]  # type: ignore[union-attr]
        chosen: list[int] = []
        for envelope_id, proposals in options.items():
            amount = amounts[envelope_id]
            ranked = sorted(proposals, key=lambda p: rng.random() * (1 + int(p.code[1:]) % 4))
            spent, picked = 0, 0
            for p in ranked:
                if budget.method == Budget.Method.APPROVAL and picked >= (budget.max_choices or 0):
                    break
                if budget.method == Budget.Method.KNAPSACK and spent + p.ballot_cost > amount:
                    continue
                if rng.random() < 0.6:
                    chosen.append(p.pk)
                    spent, picked = spent + p.ballot_cost, picked + 1
        if not chosen:
            chosen = [next(p.pk for ps in options.values() for p in ps)]
        source = Source.PAPER if participant.contact is None else Source.ONLINE
        rows.append(
            Ballot(
                key=selectors.ballot_key(budget, participant),
                budget=budget,
                district=participant.district,
                gender=participant.gender,
                age_band=participant.age_band,
                source=source,
                proposals=chosen,
            )
        )
    Voter.objects.bulk_create(
        Voter(budget=budget, participant=p, source=b.source) for p, b in zip(voters, rows, strict=True)
    )
    Ballot.objects.bulk_create(rows)


def _progress(budget: Budget, rng: random.Random, today: date, *, built: bool) -> None:
    for i, project in enumerate(budget.tracked_projects.order_by("pk")):
        if not built:
            continue
        progress = [100, 80, 45, 20, 0][i % 5]
        project.status = "completed" if progress == 100 else ("works" if progress else "tender")
        project.progress = progress
        project.amount_spent = project.amount_budgeted * progress // 100
        project.save()
        Milestone.objects.create(
            project=project,
            title="Étude technique",
            planned_on=today - timedelta(days=120),
            done_on=today - timedelta(days=110),
        )
        Milestone.objects.create(
            project=project,
            title="Travaux",
            planned_on=today - timedelta(days=30),
            done_on=today - timedelta(days=5) if progress == 100 else None,
        )
