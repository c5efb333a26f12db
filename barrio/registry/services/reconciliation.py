"""Services of reconciliation: import a provider's result file, sum what was delivered,
verify with a seeded sample of paid households.

An import is validated whole before anything is applied (each problem reported with its
row and column, see :mod:`barrio.core.cash.reconciliation`); it is applied in one
transaction, and the same file twice changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from django.contrib.auth.models import AnonymousUser, User
from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from barrio.accounts.permissions import Action
from barrio.core.cash.reconciliation import (
    COLUMNS,
    Expected,
    check_results,
    sample_for_verification,
    totals,
)
from barrio.errors import Conflict, FieldError, ValidationFailed
from barrio.registry.imports.readers import file_format, read_csv, read_xlsx
from barrio.registry.models import (
    Cycle,
    Payment,
    ReconciliationImport,
    Verification,
    VerificationContact,
)
from barrio.registry.services.eligibility import require_whole

#: Between a group's name and its currency in a key of :func:`totals`.
_SEP = "\x1f"


class SumRow(NamedTuple):
    """A group's money in one currency, in cents: entitled = delivered + undelivered."""

    group: str
    currency: str
    entitled: int
    delivered: int
    undelivered: int


if TYPE_CHECKING:
    from barrio.accounts.models import Programme

#: What each problem code of a result file means, for the person who sent it.
PROBLEMS: dict[str, Promise] = {
    "missing_column": _("The file has no such column."),
    "unknown_payment": _("No payment of the programme has this reference."),
    "repeated": _("This reference appears twice in the file."),
    "not_sent": _("This payment was not sent to a provider."),
    "amount_format": _("Write an amount that is not negative, with at most two decimals."),
    "above_entitlement": _("The amount delivered is more than the entitlement."),
    "currency_mismatch": _("The currency is not the payment's currency."),
    "date_format": _("Write the date as YYYY-MM-DD."),
    "failure_without_reason": _("A payment not delivered needs the reason it failed."),
    "already_reconciled": _("Another result was already recorded for this payment."),
}

_SENT = (Payment.Status.SENT, Payment.Status.DELIVERED, Payment.Status.FAILED)


def _expected(programme: Programme) -> dict[str, Expected]:
    """Every payment of the programme by reference, its rows locked until the import ends
    (two imports of the programme apply one after the other, each seeing the other's)."""
    rows = (
        Payment.objects.select_for_update(of=("self",))
        .filter(plan__programme=programme)
        .order_by("pk")
        .values_list(
            "reference", "amount_cents", "currency", "status", "delivered_cents", "delivered_on"
        )
    )
    return {
        reference: Expected(cents, currency, status in _SENT, delivered, on)
        for reference, cents, currency, status, delivered, on in rows
    }


def _rows(file_name: str, content: bytes) -> tuple[list[dict[str, str]], list[int]]:
    kind = file_format(file_name)
    if kind == "kobo":
        raise ValidationFailed(errors=[FieldError(("file",), _("Send an .xlsx or .csv file."))])
    table = read_csv(content) if kind == "csv" else read_xlsx(content, wanted=COLUMNS[:2])
    missing = [c for c in COLUMNS[:2] if c not in table.header]
    if missing:
        raise ValidationFailed(
            errors=[FieldError(("row", 1, c), PROBLEMS["missing_column"]) for c in missing]
        )
    lines = [int(locator[1]) for locator, _row in table.rows]
    return [row for _locator, row in table.rows], lines


@transaction.atomic
def reconciliation_import(
    *, actor: User | AnonymousUser, programme: Programme, file_name: str, content: bytes
) -> ReconciliationImport:
    """Apply a provider's result file (``reference, delivered_amount, delivered_on,
    failure_reason``, optional ``currency``) to the programme's sent payments.

    Every row must match a payment sent and pass the checks, or nothing is applied:
    :class:`ValidationFailed` lists each problem at ``("row", n, column)``. A payment
    delivered in part keeps the rest as undelivered; 0 with a reason marks it failed.
    """
    require_whole(actor, Action.PAYMENT_RECONCILE, programme)
    rows, lines = _rows(file_name, content)
    results, problems = check_results(rows, _expected(programme), lines=lines)
    if problems:
        raise ValidationFailed(
            errors=[
                FieldError(("row", line, column), PROBLEMS[code]) for line, column, code in problems
            ]
        )
    changed = [r for r in results if not r.unchanged]
    fingerprint = "sha256:" + hashlib.sha256(content).hexdigest()
    if not changed:
        # The same file again (or results already recorded): nothing to apply or record.
        previous = ReconciliationImport.objects.filter(
            programme=programme, fingerprint=fingerprint
        ).first()
        if previous is not None:
            return previous
    table = connection.ops.quote_name(Payment._meta.db_table)
    # One statement per payment, sent in batches; the table name comes from the model.
    sql = (
        f"UPDATE {table} SET delivered_cents = %s, delivered_on = %s, "  # noqa: S608
        "failure_reason = %s, status = %s WHERE reference = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                (
                    r.delivered_cents,
                    r.delivered_on,
                    r.failure_reason,
                    Payment.Status.DELIVERED if r.delivered_cents else Payment.Status.FAILED,
                    r.reference,
                )
                for r in changed
            ],
        )
    return ReconciliationImport.objects.create(
        programme=programme,
        file_name=file_name[:200],
        fingerprint=fingerprint,
        row_count=len(rows),
        changed_count=len(changed),
        created_by=actor if isinstance(actor, User) else None,
    )


def city_of(programme: Programme) -> Callable[[str, str], str]:
    """Name the programme's widest unit (its "city") holding a unit (country, path)."""
    cities = [(u.country, u.path, u.name) for u in programme.units.all()]
    other = str(_("Other units"))

    def city(country: str, path: str) -> str:
        return next(
            (name for c, prefix, name in cities if c == country and path.startswith(prefix)),
            other,
        )

    return city


def reconciliation_totals(
    programme: Programme, *, cycle: Cycle | None = None
) -> dict[str, list[SumRow]]:
    """Entitled, delivered and undelivered cents of the sent payments, by cycle, by city
    (the programme's widest unit that holds the household) and for the whole programme,
    each group in one currency.

    For every group, entitled = delivered + undelivered, to the cent.
    """
    payments = Payment.objects.filter(plan__programme=programme, status__in=_SENT)
    if cycle is not None:
        payments = payments.filter(cycle=cycle)
    rows = list(
        payments.values_list(
            "cycle__name",
            "household__unit__country",
            "household__unit__path",
            "amount_cents",
            "delivered_cents",
            "currency",
        )
    )
    city = city_of(programme)
    entitled = [r[3] for r in rows]
    delivered = [r[4] or 0 for r in rows]
    currency = [r[5] for r in rows]

    def grouped(names: list[str]) -> list[SumRow]:
        keys = [f"{name}{_SEP}{c}" for name, c in zip(names, currency, strict=True)]
        out = []
        for key, (owed, paid, rest) in totals(keys, entitled, delivered).items():
            name, code = key.split(_SEP)
            out.append(SumRow(name, code, owed, paid, rest))
        return out

    return {
        "cycle": grouped([r[0] for r in rows]),
        "city": grouped([city(r[1], r[2]) for r in rows]),
        "programme": grouped([str(_("All")) for _r in rows]),
    }


@transaction.atomic
def verification_draw(
    *, actor: User | AnonymousUser, cycle: Cycle, size: int, seed: int
) -> Verification:
    """Draw ``size`` of the cycle's delivered payments to contact, with ``seed``: the same
    seed on the same payments draws the same households."""
    require_whole(actor, Action.PAYMENT_RECONCILE, cycle.programme)
    if not 1 <= size <= 1000:
        raise ValidationFailed(
            errors=[FieldError(("size",), _("A sample has 1 to 1,000 households."))]
        )
    paid = dict(
        Payment.objects.filter(cycle=cycle, status=Payment.Status.DELIVERED).values_list(
            "reference", "pk"
        )
    )
    if not paid:
        raise Conflict(_("No payment of this cycle is delivered yet."), code="nothing_to_verify")
    chosen = sample_for_verification(list(paid), size, seed)
    verification = Verification.objects.create(
        cycle=cycle,
        seed=seed,
        size=len(chosen),
        population=len(paid),
        created_by=actor if isinstance(actor, User) else None,
    )
    VerificationContact.objects.bulk_create(
        VerificationContact(verification=verification, payment_id=paid[reference])
        for reference in chosen
    )
    return verification


@transaction.atomic
def verification_record(
    *, actor: User | AnonymousUser, contact: VerificationContact, answer: str, note: str = ""
) -> VerificationContact:
    """Record what a contacted household answered (payments officers)."""
    require_whole(actor, Action.PAYMENT_RECONCILE, contact.verification.cycle.programme)
    if answer not in VerificationContact.Answer.values or answer == "pending":
        raise ValidationFailed(errors=[FieldError(("answer",), _("Choose one of the answers."))])
    if len(note) > 2000:
        raise ValidationFailed(
            errors=[FieldError(("note",), _("A note has at most 2,000 characters."))]
        )
    contact.answer, contact.note = answer, note
    contact.recorded_by = actor if isinstance(actor, User) else None
    contact.recorded_at = timezone.now()
    contact.save(update_fields=["answer", "note", "recorded_by", "recorded_at"])
    return contact


def verification_counts(verification: Verification) -> Sequence[tuple[str, Any]]:
    """How many households gave each answer."""
    counts: dict[str, int] = {}
    for answer in verification.contacts.values_list("answer", flat=True):
        counts[answer] = counts.get(answer, 0) + 1
    labels = dict(VerificationContact.Answer.choices)
    return [(str(labels[a]), counts[a]) for a in VerificationContact.Answer.values if a in counts]
