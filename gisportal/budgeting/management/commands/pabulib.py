"""`gisportal pabulib FILE --rule greedy|equal-shares`: the winners of a Pabulib election, nothing stored;
`--import --municipality CODE` stores it as a budget with its projects and ballots, counted."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError

from gisportal.budgeting import pabulib, pabulib_store, rules
from gisportal.budgeting.models import Budget, Proposal
from layers.models import Municipality

RULES = {"greedy": "greedy by votes", "equal-shares": "equal shares with add1"}


class Command(BaseCommand):
    help = (
        "Print the winning projects of a Pabulib .pb file, its own project ids one per line in the order selected, "
        "and a summary on stderr. Nothing is stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a Pabulib .pb file")
        parser.add_argument(
            "--rule",
            choices=list(RULES),
            required=True,
            help="greedy: by votes (or points), each project funded if it still fits (CONSUL, Pabulib 'greedy'); "
            "equal-shares: the Method of Equal Shares completed by add1 (Pabulib 'equalshares/add1')",
        )
        parser.add_argument("--import", dest="store", action="store_true", help="store it as a budget, then count it")
        parser.add_argument("--municipality", help="the official code of the municipality it is stored for")
        parser.add_argument("--year", type=int, help="the budget's year (default: the file's `instance`)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            election = pabulib.read(path)
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror or error}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not UTF-8 text") from None
        except pabulib.PabulibError as error:
            raise CommandError(f"{path}, {error}") from None
        ids, costs, ballots = election.ballots()
        if options["rule"] == "equal-shares" and election.vote_type in pabulib.WITH_POINTS:
            raise CommandError(f"equal shares counts approval ballots; this file's are {election.vote_type}")
        try:
            if options["rule"] == "greedy":
                outcome = rules.greedy(costs, election.budget, ballots)
            else:
                outcome = rules.equal_shares(costs, election.budget, ballots, add1=True)
        except ValueError as error:  # negative points on scoring ballots
            raise CommandError(f"{path}: {error}") from None
        for project in outcome.selected:
            self.stdout.write(ids[project])
        currency = election.meta.get("currency", "")
        self.stderr.write(
            f"{len(outcome.selected)} of {len(ids)} projects selected, {outcome.cost:,} of {election.budget:,} "
            f"{currency} ({RULES[options['rule']]}, {len(election.voters):,} voters)".replace("  ", " "),
            style_func=lambda text: text,  # a summary, not an error
        )
        if options["store"]:
            self.store(election, options)

    def store(self, election: pabulib.Election, options: dict[str, Any]) -> None:
        municipality = Municipality.objects.filter(code=options["municipality"] or "").first()
        if municipality is None:
            raise CommandError("--import needs --municipality CODE, the official code of a loaded municipality")
        rule = Budget.Rule.GREEDY if options["rule"] == "greedy" else Budget.Rule.EQUAL_SHARES
        try:
            budget = pabulib_store.import_election(election, municipality=municipality, year=options["year"], rule=rule)
        except IntegrityError:
            raise CommandError(f"{municipality.name_fr} already has a budget for that year: give --year") from None
        selected = budget.proposals.filter(status=Proposal.Status.SELECTED).count()
        self.stderr.write(
            f"Stored as budget #{budget.pk} of {municipality.name_fr} {budget.year}: {budget.proposals.count()} "
            f"projects, {budget.ballots.count():,} ballots, {selected} selected.",
            style_func=lambda text: text,
        )
