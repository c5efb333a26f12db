"""Calls for proposals: create, change and publish them (the programme manager's work)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext as _

from barrio.errors import Conflict, FieldError, NotFound
from barrio.participation.calendar import DATE_FIELDS, steps_out_of_order
from barrio.participation.models import Call, ReviewCriterion, WorkKind
from barrio.participation.services.common import loc, raise_if, require_manager
from barrio.participation.specs import CallSpec
from barrio.planning.selectors import approved_run_units
from barrio.territories.selectors import unit_list

if TYPE_CHECKING:
    from barrio.accounts.models import Programme

__all__ = ["call_create", "call_publish", "call_update"]

PLAIN_FIELDS = (
    "title",
    "summary",
    "max_project_cents",
    "total_cents",
    "min_group_members",
    "min_signatures",
    *DATE_FIELDS,
)


def _units(programme: Programme, spec: CallSpec, errors: list[FieldError]) -> list[Any]:
    """The eligible units the spec names, all inside the programme's territory."""
    if spec.targeting_run is not None:
        try:
            return approved_run_units(
                programme=programme, run_id=spec.targeting_run, stratum=spec.stratum
            )
        except NotFound:
            errors.append(
                FieldError(
                    loc("targeting_run"),
                    _("Choose an approved targeting run of this programme."),
                )
            )
            return []
    wanted = set(spec.unit_ids)
    found = list(unit_list(within=programme.units.all()).filter(pk__in=wanted))
    missing = wanted - {unit.pk for unit in found}
    if missing:
        errors.append(
            FieldError(
                loc("unit_ids"),
                _("These units are not in the programme's territory: %(ids)s.")
                % {"ids": ", ".join(str(pk) for pk in sorted(missing))},
            )
        )
    return found


def _check(
    programme: Programme, spec: CallSpec, call: Call | None
) -> tuple[list[Any], list[FieldError]]:
    errors: list[FieldError] = []
    if not spec.title.strip():
        errors.append(FieldError(loc("title"), _("Give the call a title.")))
    if not spec.slug.strip():
        errors.append(FieldError(loc("slug"), _("Give the call a short name.")))
    elif (
        Call.objects.filter(programme=programme, slug=spec.slug)
        .exclude(pk=call.pk if call else 0)
        .exists()
    ):
        errors.append(
            FieldError(loc("slug"), _("Another call of the programme has this short name."))
        )
    dates = {name: getattr(spec, name) for name in DATE_FIELDS}
    for name in steps_out_of_order(dates):
        errors.append(FieldError(loc(name), _("This date comes before the step it must follow.")))
    if spec.max_project_cents <= 0:
        errors.append(FieldError(loc("max_project_cents"), _("The maximum must be above zero.")))
    if spec.total_cents < spec.max_project_cents:
        errors.append(
            FieldError(
                loc("total_cents"), _("The total cannot be less than one project's maximum.")
            )
        )
    unknown = [kind for kind in spec.kinds if kind not in WorkKind.values]
    if unknown:
        errors.append(
            FieldError(
                loc("kinds"), _("Unknown kinds of work: %(kinds)s.") % {"kinds": ", ".join(unknown)}
            )
        )
    if spec.min_group_members < 1:
        errors.append(FieldError(loc("min_group_members"), _("A group needs at least one member.")))
    if spec.min_signatures < 0:
        errors.append(FieldError(loc("min_signatures"), _("This number cannot be negative.")))
    codes = [criterion.code for criterion in spec.criteria]
    for position, criterion in enumerate(spec.criteria):
        if not criterion.code.strip() or not criterion.name.strip():
            errors.append(
                FieldError(
                    loc("criteria", position, "name"), _("Give the criterion a code and a name.")
                )
            )
        if codes.count(criterion.code) > 1:
            errors.append(
                FieldError(loc("criteria", position, "code"), _("Two criteria have this code."))
            )
        if criterion.weight < 1:
            errors.append(
                FieldError(loc("criteria", position, "weight"), _("The weight must be at least 1."))
            )
        if not 1 <= criterion.scale_max <= 100:
            errors.append(
                FieldError(
                    loc("criteria", position, "scale_max"),
                    _("The highest score must be between 1 and 100."),
                )
            )
    units = _units(programme, spec, errors)
    return units, errors


def _save(call: Call, spec: CallSpec, units: list[Any]) -> None:
    for name in PLAIN_FIELDS:
        setattr(call, name, getattr(spec, name))
    call.slug = spec.slug.strip()
    call.kinds = list(dict.fromkeys(spec.kinds))
    call.required_documents = [d.strip() for d in spec.required_documents if d.strip()]
    call.targeting_run_id = spec.targeting_run
    call.save()
    call.units.set(units)
    call.criteria.all().delete()
    ReviewCriterion.objects.bulk_create(
        ReviewCriterion(
            call=call,
            code=criterion.code.strip(),
            name=criterion.name.strip(),
            description=criterion.description,
            weight=criterion.weight,
            scale_max=criterion.scale_max,
            position=position,
        )
        for position, criterion in enumerate(spec.criteria)
    )


def _publishable(call: Call) -> list[FieldError]:
    """What keeps a call from being published: no criteria, no units, no kinds."""
    errors = []
    if not call.criteria.exists():
        errors.append(FieldError(loc("criteria"), _("Publish the call with its review criteria.")))
    if not call.units.exists():
        errors.append(FieldError(loc("unit_ids"), _("Publish the call with its eligible units.")))
    if not call.kinds:
        errors.append(
            FieldError(loc("kinds"), _("Publish the call with the kinds of work it allows."))
        )
    return errors


@transaction.atomic
def call_create(*, actor: User | AnonymousUser, programme: Programme, spec: CallSpec) -> Call:
    """Create a draft call of ``programme`` with its eligible units and review criteria.

    Parameters
    ----------
    actor
        A programme manager over the whole programme.
    programme
        The programme the call belongs to.
    spec
        The call's content; its dates must follow the steps' order.

    Raises
    ------
    NotAuthenticated, PermissionDenied
        When ``actor`` may not manage the programme's calls.
    ValidationFailed
        Naming each field that does not fit (dates out of order, amounts, unknown kinds,
        units outside the territory, a targeting run that is not approved, criteria).
    """
    user = require_manager(actor, programme)
    units, errors = _check(programme, spec, None)
    raise_if(errors)
    call = Call(programme=programme, created_by=user, status=Call.Status.DRAFT)
    _save(call, spec, units)
    return call


@transaction.atomic
def call_update(*, actor: User | AnonymousUser, call: Call, spec: CallSpec) -> Call:
    """Change a call: its dates, units, kinds, amounts, documents and criteria.

    A published call stays publishable (criteria, units and kinds may not be emptied); a
    cancelled call is not changed any more.

    Raises
    ------
    NotAuthenticated, PermissionDenied, ValidationFailed
        As :func:`call_create`.
    Conflict
        When the call is cancelled.
    """
    require_manager(actor, call.programme)
    locked = (
        Call.objects.select_for_update(of=("self",)).select_related("programme").get(pk=call.pk)
    )
    if locked.status == Call.Status.CANCELLED:
        raise Conflict(_("A cancelled call cannot be changed."), code="call_cancelled")
    units, errors = _check(locked.programme, spec, locked)
    raise_if(errors)
    _save(locked, spec, units)
    if locked.status == Call.Status.PUBLISHED:
        # Raising inside the transaction undoes the change above.
        raise_if(_publishable(locked))
    return locked


@transaction.atomic
def call_publish(*, actor: User | AnonymousUser, call: Call) -> Call:
    """Publish a draft call: from then on everybody sees it and groups may submit in its dates.

    Raises
    ------
    NotAuthenticated, PermissionDenied
        When ``actor`` may not manage the programme's calls.
    Conflict
        When the call is not a draft.
    ValidationFailed
        When it has no review criteria, no eligible units or no kinds of work, or its steps
        are out of order.
    """
    require_manager(actor, call.programme)
    locked = (
        Call.objects.select_for_update(of=("self",)).select_related("programme").get(pk=call.pk)
    )
    if locked.status != Call.Status.DRAFT:
        raise Conflict(_("Only a draft call can be published."), code="call_not_draft")
    errors = _publishable(locked)
    dates = {name: getattr(locked, name) for name in DATE_FIELDS}
    errors += [
        FieldError(loc(name), _("This date comes before the step it must follow."))
        for name in steps_out_of_order(dates)
    ]
    raise_if(errors)
    locked.status = Call.Status.PUBLISHED
    locked.save(update_fields=["status", "updated_at"])
    return locked
