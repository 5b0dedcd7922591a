"""Why each project won or not, in plain words in the reader's language, from the stored outcome of the count."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from gisportal.budgeting.models import Budget, Outcome


def _money(amount: int | float | None, budget: Budget) -> str:
    return f"{number_format(round(amount or 0), force_grouping=True)} {budget.currency}"


def explain(budget: Budget, outcome: Outcome) -> str:
    proposal = outcome.proposal
    facts = {
        "votes": number_format(outcome.support, force_grouping=True),
        "cost": _money(proposal.ballot_cost, budget),
        "left": _money(outcome.money_left, budget),
        "price": _money(outcome.price_per_supporter, budget),
        "rank": outcome.rank,
    }
    reason = outcome.reason
    if reason == Outcome.Reason.NO_VOTES:
        return _("Not selected: nobody voted for it.")
    if reason == Outcome.Reason.SELECTED_IN_COMPLETION:
        return (
            _(
                "Selected at the end: when no project could be paid from its supporters' shares any more, "
                "the money left went to the projects with the most votes, and its cost (%(cost)s) still fitted."
            )
            % facts
        )
    if budget.rule == Budget.Rule.EQUAL_SHARES:
        if outcome.selected:
            return (
                _(
                    "Selected (number %(rank)s): every voter held an equal share of the money, and its %(votes)s "
                    "supporters could pay its cost of %(cost)s together, none of them paying more than %(price)s."
                )
                % facts
            )
        return (
            _(
                "Not selected: its %(votes)s supporters had already spent most of their shares on projects they "
                "preferred, and what they had left could not pay its cost of %(cost)s."
            )
            % facts
        )
    if outcome.selected:
        return (
            _(
                "Selected: with %(votes)s votes it came number %(rank)s, and its cost of %(cost)s fitted in the "
                "%(left)s still left."
            )
            % facts
        )
    return (
        _(
            "Not selected: with %(votes)s votes its turn came (number %(rank)s) when only %(left)s were left, "
            "less than its cost of %(cost)s. Projects with fewer votes that were cheaper could still be funded."
        )
        % facts
    )
