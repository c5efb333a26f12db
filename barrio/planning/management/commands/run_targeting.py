"""``manage.py run_targeting``: rank a programme's units by an index and choose some."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from barrio.accounts.selectors import programme_get_for_user
from barrio.errors import BarrioError
from barrio.planning.selectors import targeting_decision_rows
from barrio.planning.services import targeting_run_create
from barrio.planning.specs import TargetingSpec


def _codes(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


class Command(BaseCommand):
    help = (
        "Run a targeting over a programme's units and store it as a draft to approve. "
        "Example: run_targeting --programme demo-lima --user gestora.lima@barrio.demo "
        "--name 'Ronda 1' --level distrito --indicator indice_necesidad --period 2020 "
        "--group-level provincia --at-least-per-group 1 --max-units 12"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", required=True, help="Short name of the programme.")
        parser.add_argument("--user", required=True, help="E-mail of who runs it (audited).")
        parser.add_argument("--name", required=True)
        parser.add_argument("--level", required=True, help="Level of the candidate units.")
        parser.add_argument("--indicator", required=True, help="Code of the ranking indicator.")
        parser.add_argument("--period", required=True)
        parser.add_argument("--direction", choices=["higher_first", "lower_first"], default="")
        parser.add_argument(
            "--classification",
            choices=["quantiles", "equal_interval", "fisher_jenks"],
            default="quantiles",
        )
        parser.add_argument("--classes", type=int, default=5)
        parser.add_argument("--strata", default="", help="Eligible strata, e.g. high,very_high.")
        parser.add_argument("--population-indicator", default="")
        parser.add_argument("--population-period", default="")
        parser.add_argument("--min-population", type=int)
        parser.add_argument("--max-population", type=int)
        parser.add_argument("--group-level", default="", help="Level of the areas of quotas.")
        parser.add_argument("--areas", default="", help="Only in these areas (codes, commas).")
        parser.add_argument("--at-least-per-group", type=int, default=0)
        parser.add_argument("--at-most-per-group", type=int)
        parser.add_argument("--max-units", type=int)
        parser.add_argument("--budget-cents", type=int)
        parser.add_argument("--cost-per-unit-cents", type=int, default=0)
        parser.add_argument("--tie-break", choices=["code", "lot"], default="code")
        parser.add_argument("--seed", type=int)
        parser.add_argument("--explain", action="store_true", help="Print every unit's reason.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(email__iexact=options["user"]).first()
        if user is None:
            raise CommandError(f"No user has the e-mail {options['user']}.")
        values = {f.name: options[f.name] for f in fields(TargetingSpec) if f.name in options}
        values["strata"] = _codes(options["strata"])
        values["areas"] = _codes(options["areas"])
        try:
            programme = programme_get_for_user(user=user, slug=options["programme"])
            run = targeting_run_create(
                actor=user, programme=programme, spec=TargetingSpec(**values)
            )
        except BarrioError as error:
            for problem in error.errors:
                self.stderr.write(problem.describe())
            raise CommandError(str(error.message)) from error
        self.stdout.write(
            f"Run {run.pk} ({run.status}): {run.selected_count} chosen of {run.eligible_count} "
            f"eligible among {run.unit_count} units; fingerprint {run.fingerprint[:23]}."
        )
        for row in targeting_decision_rows(run, selected=None if options["explain"] else True):
            self.stdout.write(
                f"{row.decision.unit.code}\t{row.decision.unit.name}\t{row.explanation}"
            )
