"""The count of a stored budget: its ballots read once, each envelope counted by `rules` with the budget's rule."""

import numpy as np

from gisportal.budgeting import pabulib, rules
from gisportal.budgeting.models import Ballot, Budget, Envelope, Outcome, Proposal

ON_BALLOT = (Proposal.Status.FEASIBLE, Proposal.Status.SELECTED, Proposal.Status.NOT_SELECTED)


def on_ballot(budget: Budget) -> list[Proposal]:
    return sorted(budget.proposals.filter(status__in=ON_BALLOT), key=lambda p: pabulib.natural_order(p.code))


BallotRow = tuple[int | None, list[int], list[int] | None, str, str]  # district, proposals, points, gender, age


def ballot_rows(budget: Budget) -> list[BallotRow]:
    return list(
        Ballot.objects.filter(budget=budget)
        .order_by("key")
        .values_list("district_id", "proposals", "points", "gender", "age_band")
    )


def envelope_ballots(
    envelope: Envelope, proposals: list[Proposal], ballots: list[BallotRow]
) -> tuple[list[Proposal], list[BallotRow], rules.Ballots]:
    """One envelope's election: its proposals (indexed in code order), its voters and their choices there.

    The voters of a district envelope are the ballots cast in that district; everyone votes municipality-wide.
    """
    mine = [p for p in proposals if p.envelope_id == envelope.pk]
    index = {p.pk: i for i, p in enumerate(mine)}
    voters = [b for b in ballots if envelope.district_id is None or b[0] == envelope.district_id]
    choices = [[index[pk] for pk in b[1] if pk in index] for b in voters]
    points = None
    if any(b[2] is not None for b in voters):
        points = [[pts for pk, pts in zip(b[1], b[2] or [1] * len(b[1]), strict=True) if pk in index] for b in voters]
    return mine, voters, rules.Ballots.from_lists(choices, points)


def count(budget: Budget) -> list[Outcome]:
    """Unsaved outcomes of every proposal on the ballot, envelope by envelope, with the budget's rule."""
    proposals, ballots = on_ballot(budget), ballot_rows(budget)
    outcomes: list[Outcome] = []
    for envelope in budget.envelopes.all():
        mine, _voters, ballot_set = envelope_ballots(envelope, proposals, ballots)
        if not mine:
            continue
        costs = np.array([p.ballot_cost for p in mine], dtype=np.int64)
        if budget.rule == Budget.Rule.EQUAL_SHARES:
            outcome = rules.equal_shares(costs, envelope.amount, ballot_set, add1=True)  # Pabulib equalshares/add1
        else:
            outcome = rules.greedy(costs, envelope.amount, ballot_set)
        for result in outcome.projects:
            outcomes.append(
                Outcome(
                    proposal=mine[result.project],
                    support=result.support,
                    selected=result.selected,
                    reason=str(result.reason),
                    rank=result.rank,
                    money_left=result.money_left,
                    price_per_supporter=result.price_per_supporter,
                )
            )
    return outcomes
