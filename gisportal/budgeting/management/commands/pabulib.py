"""`gisportal pabulib FILE --rule greedy|equal-shares`: the winners of a Pabulib election, nothing stored."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gisportal.budgeting import pabulib, rules

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
        if options["rule"] == "greedy":
            outcome = rules.greedy(costs, election.budget, ballots)
        elif election.vote_type in pabulib.WITH_POINTS:
            raise CommandError(f"equal shares counts approval ballots; this file's are {election.vote_type}")
        else:
            outcome = rules.equal_shares(costs, election.budget, ballots, add1=True)
        for project in outcome.selected:
            self.stdout.write(ids[project])
        currency = election.meta.get("currency", "")
        self.stderr.write(
            f"{len(outcome.selected)} of {len(ids)} projects selected, {outcome.cost:,} of {election.budget:,} "
            f"{currency} ({RULES[options['rule']]}, {len(election.voters):,} voters)".replace("  ", " "),
            style_func=lambda text: text,  # a summary, not an error
        )
