"""Services of eligibility: save a rule (a new version each time), make a target list from
it, approve the list (a programme manager other than who made it, on unchanged inputs).

The households are read as columns (one query for households, one for members, decrypted
in memory only) and the rule is applied by :mod:`barrio.core.cash.eligibility` over whole
columns; nothing loops over households to decide.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from barrio.accounts.permissions import Action, may
from barrio.bulk import bulk_insert
from barrio.core.cash.eligibility import (
    EligibilityRule as CoreRule,
)
from barrio.core.cash.eligibility import (
    evaluate,
    frame_fingerprint,
    rule_from_dict,
)
from barrio.errors import (
    Conflict,
    FieldError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from barrio.planning.selectors import approved_run_units
from barrio.registry.choices import Vulnerability
from barrio.registry.models import (
    EligibilityRule,
    Household,
    Member,
    TargetList,
    TargetListEntry,
)
from barrio.registry.payments_explain import HOUSEHOLD_FIELDS

if TYPE_CHECKING:
    from barrio.accounts.models import Programme


def require_whole(actor: User | AnonymousUser, action: Action, programme: Programme) -> None:
    """Raise unless ``actor`` may take ``action`` over the whole of ``programme``."""
    if not actor.is_authenticated:
        raise NotAuthenticated()
    if not may(actor, action, programme=programme):
        raise PermissionDenied()


def local_date(programme: Programme) -> dt.date:
    """Today in the programme's time zone."""
    from zoneinfo import ZoneInfo

    try:
        return timezone.now().astimezone(ZoneInfo(programme.time_zone)).date()
    except (KeyError, ValueError):
        return timezone.localdate()


def _check_rule(definition: Any, targeting_run_id: int | None) -> tuple[CoreRule, list[FieldError]]:
    try:
        rule = rule_from_dict(definition)
    except ValueError as error:
        raise ValidationFailed(errors=[FieldError(("definition",), str(error))]) from None
    errors = []
    for i, condition in enumerate(rule.conditions):
        known = HOUSEHOLD_FIELDS.get(condition.field)
        loc = ("definition", "conditions", i, "field")
        if known is None:
            errors.append(FieldError(loc, _("This field is not one a rule may read.")))
        elif condition.op in ("gt", "gte", "lt", "lte") and known.kind != "number":
            errors.append(FieldError(loc, _("Only a number can be compared as more or less.")))
        elif condition.op in ("is_true", "is_false") and known.kind != "bool":
            errors.append(FieldError(loc, _("Only a yes/no field can be checked as yes or no.")))
    for i, term in enumerate(rule.scorecard):
        known = HOUSEHOLD_FIELDS.get(term.field)
        loc = ("definition", "scorecard", i, "field")
        if known is None:
            errors.append(FieldError(loc, _("This field is not one a rule may read.")))
        elif known.kind == "text" and term.equals is None:
            errors.append(FieldError(loc, _("A text field scores only when it equals a value.")))
    for i, quota in enumerate(rule.quotas):
        if quota.field not in HOUSEHOLD_FIELDS:
            loc = ("definition", "quotas", i, "field")
            errors.append(FieldError(loc, _("This field is not one a rule may read.")))
    if "in_selected_unit" in rule.fields() and targeting_run_id is None:
        errors.append(
            FieldError(
                ("targeting_run",),
                _("The rule reads the selected units: choose an approved targeting run."),
            )
        )
    return rule, errors


@transaction.atomic
def eligibility_rule_save(
    *,
    actor: User | AnonymousUser,
    programme: Programme,
    name: str,
    definition: Mapping[str, Any],
    targeting_run_id: int | None = None,
) -> EligibilityRule:
    """Save a new version of the rule ``name`` (version 1 if it is new).

    Raises :class:`PermissionDenied` unless the actor makes target lists over the whole
    programme, and :class:`ValidationFailed` naming each malformed part of the rule, an
    unknown field or a targeting run that is not an approved run of the programme.
    """
    require_whole(actor, Action.ELIGIBILITY_RUN, programme)
    name = name.strip()
    rule, errors = _check_rule(definition, targeting_run_id)
    if not name:
        errors.append(FieldError(("name",), _("Give the rule a name.")))
    if targeting_run_id is not None:
        try:
            approved_run_units(programme=programme, run_id=targeting_run_id)
        except NotFound:
            errors.append(
                FieldError(("targeting_run",), _("This is not an approved run of the programme."))
            )
    if errors:
        raise ValidationFailed(errors=errors)
    last = EligibilityRule.objects.filter(programme=programme, name=name).aggregate(
        top=Max("version")
    )["top"]
    return EligibilityRule.objects.create(
        programme=programme,
        name=name,
        version=(last or 0) + 1,
        definition=rule.as_dict(),
        targeting_run_id=targeting_run_id,
        created_by=actor if isinstance(actor, User) else None,
    )


def _age(births: pd.Series, on: dt.date) -> pd.Series:
    born = pd.to_datetime(births, errors="coerce")
    before_birthday = (born.dt.month > on.month) | (
        (born.dt.month == on.month) & (born.dt.day > on.day)
    )
    return on.year - born.dt.year - before_birthday.astype(float)


def household_frame(
    programme: Programme, *, on: dt.date, targeting_run_id: int | None
) -> tuple[npt.NDArray[np.int64], dict[str, npt.NDArray[Any]]]:
    """The active households of ``programme`` as columns of the fields rules read.

    Ages and months are counted on ``on``. Returns the household ids (ascending) and one
    array per field of :data:`HOUSEHOLD_FIELDS`, aligned with them.
    """
    households = Household.objects.filter(programme=programme, status=Household.Status.ACTIVE)
    hh = pd.DataFrame.from_records(
        list(
            households.order_by("pk").values_list(
                "pk",
                "unit__country",
                "unit__path",
                "residence_status",
                "arrival_date",
                "vulnerability",
                "head_id",
            )
        ),
        columns=["pk", "country", "path", "residence_status", "arrival", "vulnerability", "head"],
    )
    members = pd.DataFrame.from_records(
        list(
            Member.objects.filter(household__in=households).values_list(
                "household_id",
                "pk",
                "birth_date",
                "nationality",
                "sex",
                "disability",
                "pregnancy",
            )
        ),
        columns=["household", "pk", "birth", "nationality", "sex", "disability", "pregnancy"],
    )
    members["age"] = _age(members["birth"], on) if len(members) else pd.Series(dtype=float)
    grouped = members.groupby("household")
    counts = pd.DataFrame(
        {
            "size": grouped.size(),
            "children": grouped["age"].apply(lambda a: (a < 18).sum()),
            "under_5": grouped["age"].apply(lambda a: (a < 5).sum()),
            "over_60": grouped["age"].apply(lambda a: (a >= 60).sum()),
            "disabled": grouped["disability"].sum(),
            "pregnant": grouped["pregnancy"].sum(),
        }
    )
    for code in counts.columns:
        hh[code] = hh["pk"].map(counts[code]) if len(counts) else 0
    people = members.set_index("pk")
    for column in ("nationality", "sex"):
        hh[column] = hh["head"].map(people[column]) if len(people) else None
    keys = hh["pk"].to_numpy(dtype=np.int64)
    frame: dict[str, npt.NDArray[Any]] = {}
    for code in ("size", "children", "under_5", "over_60", "disabled", "pregnant"):
        frame[code] = hh[code].fillna(0).to_numpy(dtype=np.int64)
    arrival = pd.to_datetime(hh["arrival"], errors="coerce")
    months = (on.year - arrival.dt.year) * 12 + (on.month - arrival.dt.month)
    months = months - (arrival.dt.day > on.day).astype(float)
    frame["months_in_country"] = months.to_numpy(dtype=np.float64)
    frame["residence_status"] = hh["residence_status"].to_numpy(dtype=object)
    frame["head_nationality"] = hh["nationality"].astype(object).to_numpy(dtype=object)
    frame["head_sex"] = hh["sex"].astype(object).to_numpy(dtype=object)
    for column in ("head_nationality", "head_sex"):
        values = frame[column].copy()
        values[pd.isna(values)] = None
        frame[column] = values
    criteria = hh[["pk", "vulnerability"]].explode("vulnerability")
    present = pd.crosstab(criteria["pk"], criteria["vulnerability"]).reindex(hh["pk"]).fillna(0)
    for code in Vulnerability.values:
        column = present[code] if code in present.columns else pd.Series(0, index=present.index)
        frame[f"vulnerability_{code}"] = column.to_numpy() > 0
    frame["vulnerability_count"] = present.gt(0).sum(axis=1).to_numpy(dtype=np.int64)
    selected = np.zeros(len(hh), dtype=bool)
    if targeting_run_id is not None:
        for unit in approved_run_units(programme=programme, run_id=targeting_run_id):
            selected |= (hh["country"] == unit.country).to_numpy() & hh["path"].str.startswith(
                unit.path
            ).to_numpy(dtype=bool)
    frame["in_selected_unit"] = selected
    return keys, frame


def _parameters(rule: EligibilityRule, on: dt.date) -> dict[str, Any]:
    return {
        "rule": rule.name,
        "version": rule.version,
        "definition": rule.definition,
        "on": on.isoformat(),
        "targeting_run": rule.targeting_run_id,
    }


@transaction.atomic
def target_list_create(*, actor: User | AnonymousUser, rule: EligibilityRule) -> TargetList:
    """Apply ``rule`` to the programme's active households today and store the list.

    Every household gets an entry: in or out, rank, score and the reason. Raises
    :class:`PermissionDenied` unless the actor makes target lists over the whole programme.
    """
    programme = rule.programme
    require_whole(actor, Action.ELIGIBILITY_RUN, programme)
    on = local_date(programme)
    core_rule = rule_from_dict(rule.definition)
    keys, frame = household_frame(programme, on=on, targeting_run_id=rule.targeting_run_id)
    parameters = _parameters(rule, on)
    result = evaluate(core_rule, keys, frame)
    target = TargetList.objects.create(
        programme=programme,
        rule=rule,
        parameters=parameters,
        fingerprint=frame_fingerprint(core_rule, parameters, keys, frame),
        household_count=keys.size,
        eligible_count=result.eligible_count,
        selected_count=result.selected_count,
        quotas=[
            {"required": q.required, "selected": q.selected, "eligible": q.eligible}
            for q in result.quotas
        ],
        created_by=actor if isinstance(actor, User) else None,
    )
    # The value each household had for the condition it failed, to say so.
    failed_values: list[Any] = [None] * keys.size
    for i, condition in enumerate(core_rule.conditions):
        where = np.flatnonzero(result.failed == i)
        column = frame[condition.field]
        for position in where.tolist():
            item = column[position]
            failed_values[position] = item.item() if isinstance(item, np.generic) else item
    rows = zip(
        [target.pk] * keys.size,
        keys.tolist(),
        result.eligible.tolist(),
        result.selected.tolist(),
        [r or None for r in result.rank.tolist()],
        result.score.tolist(),
        result.reason.tolist(),
        [f if f >= 0 else None for f in result.failed.tolist()],
        failed_values,
        [q if q >= 0 else None for q in result.quota_group.tolist()],
        strict=True,
    )
    bulk_insert(
        TargetListEntry,
        [
            "target_list",
            "household",
            "eligible",
            "selected",
            "rank",
            "score",
            "reason",
            "failed_condition",
            "value",
            "quota",
        ],
        rows,
    )
    return target


@transaction.atomic
def target_list_approve(*, actor: User | AnonymousUser, target_list: TargetList) -> TargetList:
    """Approve a draft list, after checking its inputs have not changed since it was made.

    Only a programme manager of the whole programme approves, and not who made it. Raises
    :class:`PermissionDenied`, or :class:`Conflict` when the list is already approved, was
    made by the actor, or the households changed (make the list again).
    """
    programme = target_list.programme
    require_whole(actor, Action.ELIGIBILITY_APPROVE, programme)
    target = TargetList.objects.select_for_update().get(pk=target_list.pk)
    if target.is_approved:
        raise Conflict(_("This target list is already approved."), code="already_approved")
    target.check_four_eyes(
        actor, _("A target list is approved by someone other than the person who made it.")
    )
    on = dt.date.fromisoformat(target.parameters["on"])
    rule = target.rule
    keys, frame = household_frame(programme, on=on, targeting_run_id=rule.targeting_run_id)
    again = frame_fingerprint(rule_from_dict(rule.definition), target.parameters, keys, frame)
    if again != target.fingerprint:
        raise Conflict(
            _("The households changed since this list was made; make it again."),
            code="inputs_changed",
        )
    target.mark_approved(actor)
    return target
