"""Read queries of targeting runs and apportionments, limited to what the user may see.

Drafts are the working material of the programme's staff (those who may see plans over the
whole programme); an approved run is public wherever its programme is visible.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from barrio.accounts.permissions import Action, may
from barrio.core.targeting import Decision, RunComparison, compare_runs
from barrio.core.targeting import TargetingRun as CoreRun
from barrio.errors import NotFound
from barrio.planning.explain import explain_decision, explain_share
from barrio.planning.models import Apportionment, TargetingDecision, TargetingRun
from barrio.territories.selectors import unit_list

if TYPE_CHECKING:
    from barrio.accounts.models import Programme

__all__ = [
    "RUN_COLOURS",
    "DecisionRow",
    "ShareRow",
    "apportionment_get_for_user",
    "apportionment_list_for_user",
    "apportionment_share_rows",
    "approved_run_list",
    "approved_run_units",
    "may_approve",
    "may_plan",
    "targeting_comparison",
    "targeting_decision_rows",
    "targeting_run_geojson",
    "targeting_run_get_for_user",
    "targeting_run_list_for_user",
]


def may_plan(user: User | AnonymousUser, programme: Programme) -> bool:
    """Tell whether ``user`` may run targetings and split budgets in ``programme``."""
    return may(user, Action.PLANNING_RUN, programme=programme)


def may_approve(user: User | AnonymousUser, programme: Programme) -> bool:
    """Tell whether ``user`` may approve targeting runs of ``programme``."""
    return may(user, Action.PLANNING_APPROVE, programme=programme)


def _sees_drafts(user: User | AnonymousUser, programme: Programme) -> bool:
    return may(user, Action.PLANNING_VIEW, programme=programme)


def targeting_run_list_for_user(
    *, user: User | AnonymousUser, programme: Programme
) -> QuerySet[TargetingRun]:
    """Return the runs of ``programme`` the user may see, newest first."""
    runs = TargetingRun.objects.filter(programme=programme).select_related(
        "indicator", "created_by", "approved_by"
    )
    if not _sees_drafts(user, programme):
        runs = runs.filter(status=TargetingRun.Status.APPROVED)
    return runs


def targeting_run_get_for_user(
    *, user: User | AnonymousUser, programme: Programme, run_id: int
) -> TargetingRun:
    """Return run ``run_id`` of ``programme`` if the user may see it; :class:`NotFound` else."""
    run = targeting_run_list_for_user(user=user, programme=programme).filter(pk=run_id).first()
    if run is None:
        raise NotFound()
    return run


def _group_names(run: TargetingRun) -> dict[str, str]:
    level = run.parameters.get("group_level") or ""
    if not level:
        return {}
    areas = unit_list(within=run.programme.units.all()).filter(level=level)
    return dict(areas.values_list("code", "name"))


@dataclass(frozen=True)
class DecisionRow:
    """One unit of a run as a page shows it."""

    decision: TargetingDecision
    group_name: str
    explanation: str


def targeting_decision_rows(
    run: TargetingRun, *, selected: bool | None = None
) -> list[DecisionRow]:
    """Return the decisions of ``run`` in rank order, each with its explanation in words."""
    decisions = run.decisions.select_related("unit")
    if selected is not None:
        decisions = decisions.filter(selected=selected)
    names = _group_names(run)
    currency = run.programme.currency
    return [
        DecisionRow(
            decision=d,
            group_name=names.get(d.group, d.group),
            explanation=explain_decision(
                selected=d.selected,
                rank=d.rank,
                reason=d.reason,
                params=d.params,
                eligible=run.eligible_count,
                group_names=names,
                currency=currency,
            ),
        )
        for d in decisions
    ]


#: Colours of the run's map: chosen, eligible but not chosen, not eligible.
RUN_COLOURS = {"selected": "#1d5fa8", "eligible": "#9ecae1", "excluded": "#d9d9d9"}


def targeting_run_geojson(run: TargetingRun) -> str:
    """The run's units as GeoJSON, coloured by whether they are chosen, with the reason."""
    features = []
    for row in targeting_decision_rows(run):
        decision = row.decision
        if not decision.unit.geometry:
            continue
        state = (
            "selected"
            if decision.selected
            else ("eligible" if decision.rank is not None else "excluded")
        )
        properties = {
            "id": decision.unit_id,
            "code": decision.unit.code,
            "name": decision.unit.name,
            "value": decision.rank,
            "label": row.explanation,
            "colour": RUN_COLOURS[state],
        }
        text = json.dumps(properties, ensure_ascii=False)
        features.append(
            f'{{"type":"Feature","properties":{text},"geometry":{decision.unit.geometry}}}'
        )
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


def _core_run(run: TargetingRun) -> CoreRun:
    rows = list(run.decisions.select_related("unit"))
    decisions = tuple(Decision(d.unit.code, d.selected, d.rank, d.reason, d.params) for d in rows)
    chosen = sorted((d for d in rows if d.selected), key=lambda d: d.rank or 0)
    return CoreRun(
        decisions,
        tuple(d.unit.code for d in chosen),
        run.eligible_count,
        run.total_cost_cents,
        run.fingerprint,
    )


#: One line of a comparison: code, name, rank in run a, rank in run b.
ComparedUnit = tuple[str, str, int | None, int | None]


@dataclass(frozen=True)
class Comparison:
    """Two runs side by side: the units both choose, and those only one of them chooses."""

    a: TargetingRun
    b: TargetingRun
    in_both: list[ComparedUnit]
    only_a: list[ComparedUnit]
    only_b: list[ComparedUnit]


def targeting_comparison(a: TargetingRun, b: TargetingRun) -> Comparison:
    """Compare two runs: the units both select, and those only one of them selects."""
    names = dict(
        TargetingDecision.objects.filter(run__in=[a, b]).values_list("unit__code", "unit__name")
    )
    result: RunComparison = compare_runs(_core_run(a), _core_run(b))

    def named(entries: tuple[tuple[str, int | None, int | None], ...]) -> list[ComparedUnit]:
        return [(code, names.get(code, code), ra, rb) for code, ra, rb in entries]

    return Comparison(a, b, named(result.in_both), named(result.only_a), named(result.only_b))


def approved_run_units(*, programme: Programme, run_id: int, stratum: str = "") -> list[Any]:
    """Return the units an approved run of ``programme`` selected, in rank order.

    This is what a call takes its eligible units from. With ``stratum``, the units the run
    put in that stratum of its index instead, chosen or not. Raises :class:`NotFound` when
    the run does not exist in the programme or is not approved.
    """
    run = TargetingRun.objects.filter(
        programme=programme, pk=run_id, status=TargetingRun.Status.APPROVED
    ).first()
    if run is None:
        raise NotFound()
    decisions = (
        run.decisions.filter(stratum=stratum) if stratum else run.decisions.filter(selected=True)
    )
    return [d.unit for d in decisions.select_related("unit")]


def approved_run_list(*, programme: Programme) -> list[tuple[int, str, list[str]]]:
    """Return the approved runs of ``programme`` as (id, name, strata it has), newest first."""
    runs = TargetingRun.objects.filter(programme=programme, status=TargetingRun.Status.APPROVED)
    strata: dict[int, set[str]] = {}
    for run_id, stratum in TargetingDecision.objects.filter(run__in=runs).values_list(
        "run_id", "stratum"
    ):
        if stratum:
            strata.setdefault(run_id, set()).add(stratum)
    return [(run.pk, run.name, sorted(strata.get(run.pk, ()))) for run in runs]


def apportionment_list_for_user(
    *, user: User | AnonymousUser, programme: Programme
) -> QuerySet[Apportionment]:
    """Return the apportionments of ``programme`` the user may see (its planning staff)."""
    if not _sees_drafts(user, programme):
        return Apportionment.objects.none()
    return Apportionment.objects.filter(programme=programme).select_related(
        "targeting_run", "created_by"
    )


def apportionment_get_for_user(
    *, user: User | AnonymousUser, programme: Programme, apportionment_id: int
) -> Apportionment:
    """Return an apportionment the user may see; :class:`NotFound` else."""
    found = (
        apportionment_list_for_user(user=user, programme=programme)
        .filter(pk=apportionment_id)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class ShareRow:
    """One unit's part of an apportionment, with its explanation."""

    unit_name: str
    unit_code: str
    cents: int
    explanation: str


def apportionment_share_rows(apportionment: Apportionment) -> list[ShareRow]:
    """Return each unit's part, largest first, explained."""
    currency = apportionment.programme.currency
    return [
        ShareRow(
            unit_name=share.unit.name,
            unit_code=share.unit.code,
            cents=share.cents,
            explanation=explain_share(
                cents=share.cents,
                floor_applied=share.floor_applied,
                parts=share.parts,
                currency=currency,
            ),
        )
        for share in apportionment.shares.select_related("unit")
    ]
