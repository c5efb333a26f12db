"""API of territories: indicators (public metadata), and for administrators the imports of
units and indicator values, composite indices and the choices of units for names."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from barrio.errors import FieldError, NotFound, ValidationFailed
from barrio.territories.models import Indicator
from barrio.territories.permissions import require_catalogue_manager
from barrio.territories.selectors import (
    composite_index_list,
    indicator_newest_periods,
    name_choice_get,
    name_choice_list,
    unit_get,
    unit_list,
)
from barrio.territories.services import index_compute, index_define
from barrio.territories.services.names import name_choice_set
from barrio.territories.services.uploads import (
    indicators_file_import_start,
    units_file_import_start,
)

router = Router(tags=["territories"])


class IndicatorOut(Schema):
    code: str
    name: str
    measure: str
    source: str
    vintage: str
    direction: str
    kind: str
    description: str


@router.get("/indicators", response=list[IndicatorOut], auth=None, summary="List indicators")
def indicator_list(request: HttpRequest) -> list[IndicatorOut]:
    """Every indicator defined in Barrio, with its source and direction."""
    return [IndicatorOut.from_orm(i) for i in Indicator.objects.order_by("code")]


class JobStartedOut(Schema):
    job: uuid.UUID = Field(..., description="Follow it at /api/v1/jobs/{job}.")


class UnitFileIn(Schema):
    country: str = Field(..., pattern=r"^[A-Za-z]{2}$")
    level: str = Field(..., min_length=1, max_length=60)
    code_field: str = Field(..., min_length=1, max_length=100)
    name_field: str = Field(..., min_length=1, max_length=100)
    parent_code_field: str = Field("", max_length=100)
    parent_level: str = Field("", max_length=60)
    layer: str = Field("", max_length=100)
    encoding: str = Field("", max_length=20)
    crs: str = Field("", max_length=40)
    vintage: str = Field("", max_length=20)
    allow_missing_geometry: bool = False
    dry_run: bool = False


class IndicatorFileIn(Schema):
    country: str = Field(..., pattern=r"^[A-Za-z]{2}$")
    level: str = Field("", max_length=60)
    form: Literal["long", "wide"] = "long"
    period: str = Field("", max_length=20)
    sheet: str = Field("", max_length=100)
    join: Literal["code", "name", "location"] = "code"
    dry_run: bool = False


def _suffix(upload: UploadedFile, allowed: set[str]) -> None:
    name = (upload.name or "").lower()
    if not any(name.endswith(suffix) for suffix in allowed):
        raise ValidationFailed(
            errors=[
                FieldError(
                    ("body", "file"),
                    _("Send a file ending in %(suffixes)s.")
                    % {"suffixes": ", ".join(sorted(allowed))},
                )
            ]
        )


@router.post(
    "/territories/units/imports",
    response={202: JobStartedOut},
    summary="Import a file of units",
)
def units_import_start(
    request: HttpRequest, options: Form[UnitFileIn], file: File[UploadedFile]
) -> Status[JobStartedOut]:
    """Queue the import of a GeoJSON, zipped Shapefile or GeoPackage (administrators)."""
    require_catalogue_manager(request.user)
    _suffix(file, {".geojson", ".json", ".zip", ".gpkg"})
    data = options.dict()
    data["country"] = data["country"].upper()
    job = units_file_import_start(actor=request.user, upload=file, options=data)
    return Status(202, JobStartedOut(job=job.pk))


@router.post(
    "/territories/indicator-values/imports",
    response={202: JobStartedOut},
    summary="Import a table of indicator values",
)
def indicators_import_start(
    request: HttpRequest, options: Form[IndicatorFileIn], file: File[UploadedFile]
) -> Status[JobStartedOut]:
    """Queue the import of a CSV or XLSX table of values (administrators)."""
    require_catalogue_manager(request.user)
    _suffix(file, {".csv", ".xlsx"})
    data = options.dict()
    data["country"] = data["country"].upper()
    job = indicators_file_import_start(actor=request.user, upload=file, options=data)
    return Status(202, JobStartedOut(job=job.pk))


class IndexIn(Schema):
    code: str = Field(..., pattern=r"^[-a-zA-Z0-9_]+$", max_length=80)
    name: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=2000)
    configuration: dict[str, Any]
    country: str = Field(..., pattern=r"^[A-Za-z]{2}$")
    level: str = Field(..., min_length=1, max_length=60)
    period: str = Field(..., min_length=1, max_length=20)
    input_periods: dict[str, str] = Field(
        default_factory=dict, description="Indicator code → period; others take their newest."
    )


class IndexRunOut(Schema):
    code: str
    name: str
    period: str
    input_periods: dict[str, str]
    fingerprint: str
    unit_count: int
    scored_count: int
    computed_at: dt.datetime


@router.get("/territories/indices", response=list[IndexRunOut], summary="List indices")
def index_list(request: HttpRequest) -> list[IndexRunOut]:
    """The composite indices with their latest computation (administrators)."""
    require_catalogue_manager(request.user)
    out = []
    for index in composite_index_list():
        run = index.runs.all().first()
        if run is not None:
            out.append(_run_out(index, run))
    return out


def _run_out(index: Any, run: Any) -> IndexRunOut:
    return IndexRunOut(
        code=index.code,
        name=index.name,
        period=run.period,
        input_periods=run.input_periods,
        fingerprint=run.fingerprint,
        unit_count=run.unit_count,
        scored_count=run.scored_count,
        computed_at=run.created_at,
    )


@router.post(
    "/territories/indices", response={201: IndexRunOut}, summary="Define and compute an index"
)
def index_create(request: HttpRequest, payload: IndexIn) -> Status[IndexRunOut]:
    """Define (or change) an index from its configuration and compute it (administrators)."""
    require_catalogue_manager(request.user)
    units = list(unit_list().filter(country=payload.country.upper(), level=payload.level))
    # Defined and computed together, or neither: a failed computation keeps the old index.
    with transaction.atomic():
        index = index_define(
            code=payload.code,
            name=payload.name,
            spec=payload.configuration,
            description=payload.description,
        )
        periods = indicator_newest_periods(index=index, units=units)
        periods.update(payload.input_periods)
        run = index_compute(index=index, units=units, period=payload.period, input_periods=periods)
    return Status(201, _run_out(index, run))


class NameChoiceOut(Schema):
    id: int
    country: str
    level: str
    parent: str | None
    name: str
    unit: str | None = Field(None, description="Code of the unit chosen; empty while waiting.")


class NameChoiceIn(Schema):
    unit_id: int | None = Field(None, ge=1, description="The unit the name means; null forgets.")


def _choice_out(choice: Any) -> NameChoiceOut:
    return NameChoiceOut(
        id=choice.pk,
        country=choice.country,
        level=choice.level,
        parent=choice.parent.code if choice.parent else None,
        name=choice.name,
        unit=choice.unit.code if choice.unit else None,
    )


@router.get("/territories/unit-names", response=list[NameChoiceOut], summary="List names to choose")
def name_choice_list_api(request: HttpRequest, chosen: bool = False) -> list[NameChoiceOut]:
    """Names that imports could not place (or, with ``chosen=true``, those already chosen)."""
    require_catalogue_manager(request.user)
    return [_choice_out(c) for c in name_choice_list(pending=not chosen)[:2000]]


@router.put(
    "/territories/unit-names/{choice_id}",
    response=NameChoiceOut,
    summary="Choose the unit a name means",
)
def name_choice_update(
    request: HttpRequest, choice_id: int, payload: NameChoiceIn
) -> NameChoiceOut:
    """Say which unit a name means; later imports use the choice (administrators)."""
    require_catalogue_manager(request.user)
    choice = name_choice_get(choice_id=choice_id)
    if choice is None:
        raise NotFound()
    unit = unit_get(unit_id=payload.unit_id) if payload.unit_id else None
    if payload.unit_id and unit is None:
        raise ValidationFailed(
            errors=[FieldError(("body", "payload", "unit_id"), _("There is no such unit."))]
        )
    return _choice_out(name_choice_set(actor=request.user, choice=choice, unit=unit))
