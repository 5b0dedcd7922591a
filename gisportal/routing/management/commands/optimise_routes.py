"""`gisportal optimise-routes CODE …` plans a municipality's collection routes (a proposal a planner accepts on
her page, or `--accept`); `gisportal optimise-routes --instance FILE [--seconds N]` solves a literature instance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import get_language

from gisportal.routing import feasibility, instances, solver


class Command(BaseCommand):
    help = "Optimise waste collection routes of a municipality, or solve a VRPLIB/Solomon instance."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", nargs="?", help="the municipality's official code, e.g. 6211")
        parser.add_argument("--instance", type=Path, help="a VRPLIB .vrp or Solomon .txt file")
        parser.add_argument("--seconds", type=float, default=10, help="time budget (default 10)")
        parser.add_argument("--trucks", type=int, default=3)
        parser.add_argument("--capacity", type=int, default=12_000, help="litres of waste per truck")
        parser.add_argument("--depot", type=int, action="append", default=[], help="id of a depot (repeat for several)")
        parser.add_argument(
            "--disposal", type=int, action="append", default=[], help="id of a landfill or transfer station (repeat)"
        )
        parser.add_argument("--weight", type=int, default=8_000, help="kg a truck may carry")
        parser.add_argument("--fill", type=int, default=100, help="% fill of a container without a fresh reading")
        parser.add_argument("--district", type=int, help="only the containers of this district")
        parser.add_argument("--overdue", action="store_true", help="only containers with overdue complaints")
        parser.add_argument("--accept", action="store_true", help="replace the municipality's routes by the proposal")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["instance"]:
            self._instance(options["instance"], options["seconds"])
        elif options["code"]:
            self._municipality(options)
        else:
            raise CommandError("Give a municipality's code or --instance FILE.")

    def _instance(self, path: Path, seconds: float) -> None:
        try:
            instance = instances.read(path)
        except (OSError, instances.InstanceError) as error:
            raise CommandError(str(error)) from error
        solution = solver.solve(instance.problem, seconds=seconds)
        checked = feasibility.check(
            instance.problem, solution, durations=instance.real_durations, costs=_scaled(instance)
        )
        cost = instances.literature_cost(instance, checked.cost)
        state = "feasible" if checked.feasible and not solution.unassigned else "INFEASIBLE"
        used = sum(1 for route in solution.routes if route.visits)
        self.stdout.write(
            f"{instance.problem.name}: cost {cost:.2f} ({instance.convention}), {used} routes, "
            f"{solution.seconds:.1f} s, {state}"
        )
        for violation in checked.violations[:10]:
            self.stderr.write(f"  {violation}")

    def _municipality(self, options: dict[str, Any]) -> None:
        from gisportal.routing import planning, services
        from layers.models import Municipality

        municipality = Municipality.objects.filter(code=options["code"]).first()
        if municipality is None:
            raise CommandError(f"No municipality has the code {options['code']}.")
        try:
            parameters = planning.Parameters.clean(
                {
                    "selection": "overdue" if options["overdue"] else ("district" if options["district"] else "all"),
                    "district": options["district"],
                    "depots": options["depot"],
                    "disposals": options["disposal"],
                    "weight_capacity": options["weight"],
                    "default_fill": options["fill"],
                    "trucks": options["trucks"],
                    "capacity": options["capacity"],
                    "seconds": options["seconds"],
                },
                municipality=municipality,
            )
        except planning.PlanningError as error:
            raise CommandError(str(error)) from error
        run = services.request_optimisation(
            municipality=municipality, user=None, parameters=parameters, language=get_language(), wait=True
        )
        run.refresh_from_db()
        if run.status != run.Status.DONE:
            raise CommandError(run.error or run.get_status_display())
        self.stdout.write(f"{run.summary} [{run.get_method_display()}]")
        if options["accept"]:
            services.accept(run=run, user=None)
            self.stdout.write(f"Accepted: {len(run.proposal['routes'])} routes replace the previous ones.")


def _scaled(instance: instances.Instance) -> list[list[float]] | None:
    return instance.real_durations if instance.real_distances is not None else None
