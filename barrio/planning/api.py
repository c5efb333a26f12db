"""API of planning: targeting runs (run, read, compare, approve) and budget apportionments."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from barrio.accounts.selectors import programme_get_for_user
from barrio.errors import FieldError, ValidationFailed, in_payload
from barrio.planning import selectors, services
from barrio.planning.models import TargetingRun
from barrio.planning.specs import ApportionmentSpec, ComponentSpec, TargetingSpec

router = Router(tags=["planning"])


class TargetingIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    level: str = Field(..., max_length=60)
    indicator: str = Field(..., max_length=80)
    period: str = Field(..., max_length=20)
    direction: Literal["", "higher_first", "lower_first"] = ""
    classification: Literal["quantiles", "equal_interval", "fisher_jenks"] = "quantiles"
    classes: int = Field(5, ge=2, le=7)
    strata: list[str] = Field(default_factory=list, max_length=7)
    population_indicator: str = Field("", max_length=80)
    population_period: str = Field("", max_length=20)
    min_population: int | None = Field(None, ge=0)
    max_population: int | None = Field(None, ge=0)
    group_level: str = Field("", max_length=60)
    areas: list[str] = Field(default_factory=list, max_length=500)
    at_least_per_group: int = Field(0, ge=0, le=100_000)
    at_most_per_group: int | None = Field(None, ge=0, le=100_000)
    max_units: int | None = Field(None, ge=0, le=10_000_000)
    budget_cents: int | None = Field(None, ge=0, le=10**17)
    cost_per_unit_cents: int = Field(0, ge=0, le=10**15)
    tie_break: Literal["code", "lot"] = "code"
    seed: int | None = Field(None, ge=0, le=2**32 - 1)


class RunOut(Schema):
    id: int
    name: str
    status: str
    level: str
    indicator: str
    period: str
    parameters: dict[str, Any]
    fingerprint: str
    unit_count: int
    eligible_count: int
    selected_count: int
    total_cost_cents: int
    created_at: dt.datetime
    approved_at: dt.datetime | None


class DecisionOut(Schema):
    code: str
    name: str
    selected: bool
    rank: int | None
    value: float | None
    stratum: str
    area: str
    reason: str
    params: dict[str, Any]
    explanation: str


class RunDetailOut(RunOut):
    decisions: list[DecisionOut]


class ComparedOut(Schema):
    code: str
    name: str
    rank_a: int | None
    rank_b: int | None


class ComparisonOut(Schema):
    a: int
    b: int
    in_both: list[ComparedOut]
    only_a: list[ComparedOut]
    only_b: list[ComparedOut]


class ComponentIn(Schema):
    kind: Literal["population", "need", "equal"]
    share: str = Field(..., max_length=40, description='A fraction such as "1/2" or "0.25".')
    indicator: str = Field("", max_length=80)
    period: str = Field("", max_length=20)


class ApportionmentIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    total_cents: int = Field(..., ge=0, le=10**17)
    floor_cents: int = Field(0, ge=0, le=10**17)
    components: list[ComponentIn] = Field(..., min_length=1, max_length=10)
    targeting_run: int | None = Field(None, ge=1)
    level: str = Field("", max_length=60)
    tie_break: Literal["code", "lot"] = "code"
    seed: int | None = Field(None, ge=0, le=2**32 - 1)


class ShareOut(Schema):
    code: str
    name: str
    cents: int
    explanation: str


class ApportionmentOut(Schema):
    id: int
    name: str
    total_cents: int
    floor_cents: int
    currency: str
    formula: dict[str, Any]
    fingerprint: str
    targeting_run: int | None
    shares: list[ShareOut]


def _run_out(run: TargetingRun) -> RunOut:
    return RunOut(
        id=run.pk,
        name=run.name,
        status=run.status,
        level=run.level,
        indicator=run.indicator.code,
        period=run.period,
        parameters=run.parameters,
        fingerprint=run.fingerprint,
        unit_count=run.unit_count,
        eligible_count=run.eligible_count,
        selected_count=run.selected_count,
        total_cost_cents=run.total_cost_cents,
        created_at=run.created_at,
        approved_at=run.approved_at,
    )


def _run_detail(run: TargetingRun) -> RunDetailOut:
    decisions = [
        DecisionOut(
            code=row.decision.unit.code,
            name=row.decision.unit.name,
            selected=row.decision.selected,
            rank=row.decision.rank,
            value=row.decision.value,
            stratum=row.decision.stratum,
            area=row.decision.group,
            reason=row.decision.reason,
            params=row.decision.params,
            explanation=row.explanation,
        )
        for row in selectors.targeting_decision_rows(run)
    ]
    return RunDetailOut(**_run_out(run).dict(), decisions=decisions)


@router.get(
    "/programmes/{slug}/targeting-runs",
    response=list[RunOut],
    auth=None,
    summary="List targeting runs",
)
def run_list(request: HttpRequest, slug: str) -> list[RunOut]:
    """The runs of a programme: approved ones for everyone who sees the programme, drafts
    for its planning staff."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    runs = selectors.targeting_run_list_for_user(user=request.user, programme=programme)
    return [_run_out(run) for run in runs[:1000]]


@router.post(
    "/programmes/{slug}/targeting-runs",
    response={201: RunDetailOut},
    summary="Run a targeting",
)
def run_create(request: HttpRequest, slug: str, payload: TargetingIn) -> Status[RunDetailOut]:
    """Rank the programme's units and choose some; the run is stored as a draft."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    data = payload.dict()
    spec = TargetingSpec(**{**data, "strata": tuple(data["strata"]), "areas": tuple(data["areas"])})
    run = in_payload(
        lambda: services.targeting_run_create(actor=request.user, programme=programme, spec=spec)
    )
    return Status(201, _run_detail(run))


@router.get(
    "/programmes/{slug}/targeting-runs/compare",
    response=ComparisonOut,
    auth=None,
    summary="Compare two targeting runs",
)
def run_compare(request: HttpRequest, slug: str, a: int, b: int) -> ComparisonOut:
    """The units both runs choose, and those only one of them chooses, with their ranks."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    first = selectors.targeting_run_get_for_user(user=request.user, programme=programme, run_id=a)
    second = selectors.targeting_run_get_for_user(user=request.user, programme=programme, run_id=b)
    result = selectors.targeting_comparison(first, second)

    def out(rows: list[selectors.ComparedUnit]) -> list[ComparedOut]:
        return [ComparedOut(code=c, name=n, rank_a=ra, rank_b=rb) for c, n, ra, rb in rows]

    return ComparisonOut(
        a=a, b=b, in_both=out(result.in_both), only_a=out(result.only_a), only_b=out(result.only_b)
    )


@router.get(
    "/programmes/{slug}/targeting-runs/{run_id}",
    response=RunDetailOut,
    auth=None,
    summary="Read a targeting run",
)
def run_detail(request: HttpRequest, slug: str, run_id: int) -> RunDetailOut:
    """A run with every unit's decision and its explanation in the caller's language."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    run = selectors.targeting_run_get_for_user(
        user=request.user, programme=programme, run_id=run_id
    )
    return _run_detail(run)


@router.post(
    "/programmes/{slug}/targeting-runs/{run_id}/approve",
    response=RunOut,
    summary="Approve a targeting run",
)
def run_approve(request: HttpRequest, slug: str, run_id: int) -> RunOut:
    """Approve a draft (a programme manager other than who ran it; inputs unchanged)."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    run = selectors.targeting_run_get_for_user(
        user=request.user, programme=programme, run_id=run_id
    )
    return _run_out(services.targeting_run_approve(actor=request.user, run=run))


def _share(text: str, position: int) -> Fraction:
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError) as error:
        raise ValidationFailed(
            errors=[
                FieldError(
                    ("body", "payload", "components", position, "share"),
                    _("Write the share as a fraction such as 1/2 or 0.25."),
                )
            ]
        ) from error


@router.post(
    "/programmes/{slug}/apportionments",
    response={201: ApportionmentOut},
    summary="Split an amount among units",
)
def apportionment_create(
    request: HttpRequest, slug: str, payload: ApportionmentIn
) -> Status[ApportionmentOut]:
    """Split ``total_cents`` by the formula; the parts add up to the total exactly."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    spec = ApportionmentSpec(
        name=payload.name,
        total_cents=payload.total_cents,
        floor_cents=payload.floor_cents,
        components=tuple(
            ComponentSpec(c.kind, _share(c.share, i), c.indicator, c.period)
            for i, c in enumerate(payload.components)
        ),
        targeting_run=payload.targeting_run,
        level=payload.level,
        tie_break=payload.tie_break,
        seed=payload.seed,
    )
    made = in_payload(
        lambda: services.apportionment_create(actor=request.user, programme=programme, spec=spec)
    )
    return Status(201, _apportionment_out(made))


def _apportionment_out(made: Any) -> ApportionmentOut:
    return ApportionmentOut(
        id=made.pk,
        name=made.name,
        total_cents=made.total_cents,
        floor_cents=made.floor_cents,
        currency=made.programme.currency,
        formula=made.formula,
        fingerprint=made.fingerprint,
        targeting_run=made.targeting_run_id,
        shares=[
            ShareOut(code=r.unit_code, name=r.unit_name, cents=r.cents, explanation=r.explanation)
            for r in selectors.apportionment_share_rows(made)
        ],
    )


class ApportionmentSummaryOut(Schema):
    id: int
    name: str
    total_cents: int
    currency: str
    targeting_run: int | None
    fingerprint: str
    created_at: dt.datetime


@router.get(
    "/programmes/{slug}/apportionments",
    response=list[ApportionmentSummaryOut],
    summary="List apportionments",
)
def apportionment_list(request: HttpRequest, slug: str) -> list[ApportionmentSummaryOut]:
    """The apportionments of a programme, newest first (its planning staff)."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    return [
        ApportionmentSummaryOut(
            id=made.pk,
            name=made.name,
            total_cents=made.total_cents,
            currency=programme.currency,
            targeting_run=made.targeting_run_id,
            fingerprint=made.fingerprint,
            created_at=made.created_at,
        )
        for made in selectors.apportionment_list_for_user(user=request.user, programme=programme)[
            :1000
        ]
    ]


@router.get(
    "/programmes/{slug}/apportionments/{apportionment_id}",
    response=ApportionmentOut,
    summary="Read an apportionment",
)
def apportionment_detail(
    request: HttpRequest, slug: str, apportionment_id: int
) -> ApportionmentOut:
    """An apportionment with every unit's part, explained (the programme's planning staff)."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    made = selectors.apportionment_get_for_user(
        user=request.user, programme=programme, apportionment_id=apportionment_id
    )
    return _apportionment_out(made)
