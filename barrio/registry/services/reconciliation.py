"""Services of reconciliation: import a provider's result file, sum what was delivered,
verify with a seeded sample of paid households.

An import is validated whole before anything is applied (each problem reported with its
row and column, see :mod:`barrio.core.cash.reconciliation`); it is applied in one
transaction, and the same file twice changes nothing.
"""

from __future__ import annotations

import base64
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
    Result,
    check_results,
    sample_for_verification,
    totals,
)
from barrio.errors import BarrioError, Conflict, FieldError, ValidationFailed
from barrio.jobs.services import job_start
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
#: The largest result file the page takes.
IMPORT_MAX_BYTES = 50 * 1024 * 1024
#: Payments written between two reports of progress.
WRITE_STEP = 2000
#: Told each step of a job: (done, total, message).
Progress = Callable[[int, int, str], None]


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
    table = (
        read_csv(content) if _kind(file_name) == "csv" else read_xlsx(content, wanted=COLUMNS[:2])
    )
    missing = [c for c in COLUMNS[:2] if c not in table.header]
    if missing:
        raise ValidationFailed(
            errors=[FieldError(("row", 1, c), PROBLEMS["missing_column"]) for c in missing]
        )
    lines = [int(locator[1]) for locator, _row in table.rows]
    return [row for _locator, row in table.rows], lines


def _kind(file_name: str) -> str:
    """``csv`` or ``xlsx`` by the file's name; :class:`ValidationFailed` on ``file`` else."""
    kind = file_format(file_name)
    if kind == "kobo":
        raise ValidationFailed(errors=[FieldError(("file",), _("Send an .xlsx or .csv file."))])
    return kind


def _no_progress(done: int, total: int, message: str = "") -> None:
    """Progress told to nobody (an import from the API)."""


def _checked(
    programme: Programme, file_name: str, content: bytes, progress: Progress
) -> tuple[int, list[Result]]:
    """Read and check every row of a result file against the programme's payments (locked);
    return the number of rows and the results that change a payment.

    Raises :class:`ValidationFailed` with every problem at ``("row", n, column)``.
    """
    progress(0, 1, str(_("Reading the file.")))
    rows, lines = _rows(file_name, content)
    progress(0, len(rows) or 1, str(_("Checking the rows.")))
    results, problems = check_results(rows, _expected(programme), lines=lines)
    if problems:
        raise ValidationFailed(
            errors=[
                FieldError(("row", line, column), PROBLEMS[code]) for line, column, code in problems
            ]
        )
    return len(rows), [r for r in results if not r.unchanged]


def _write(changed: list[Result], progress: Progress) -> None:
    """Record the delivered amounts, dates and failures of ``changed``, a batch at a time."""
    table = connection.ops.quote_name(Payment._meta.db_table)
    # One statement per payment, sent in batches; the table name comes from the model.
    sql = (
        f"UPDATE {table} SET delivered_cents = %s, delivered_on = %s, "  # noqa: S608
        "failure_reason = %s, status = %s WHERE reference = %s"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(changed), WRITE_STEP):
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
                    for r in changed[start : start + WRITE_STEP]
                ],
            )
            done = min(start + WRITE_STEP, len(changed))
            progress(done, len(changed), str(_("Writing the results.")))


def _fingerprint(content: bytes) -> str:
    return "sha256:" + hashlib.sha256(content).hexdigest()


@transaction.atomic
def reconciliation_import(
    *, actor: User | AnonymousUser, programme: Programme, file_name: str, content: bytes
) -> ReconciliationImport:
    """Apply a provider's result file (``reference, delivered_amount, delivered_on,
    failure_reason``, optional ``currency``) to the programme's sent payments, at once
    (the API; the page sends the file to a task worker, see
    :func:`reconciliation_import_start`).

    Every row must match a payment sent and pass the checks, or nothing is applied:
    :class:`ValidationFailed` lists each problem at ``("row", n, column)``. A payment
    delivered in part keeps the rest as undelivered; 0 with a reason marks it failed.
    """
    require_whole(actor, Action.PAYMENT_RECONCILE, programme)
    row_count, changed = _checked(programme, file_name, content, _no_progress)
    fingerprint = _fingerprint(content)
    if not changed:
        # The same file again (or results already recorded): nothing to apply or record.
        previous = ReconciliationImport.objects.filter(
            programme=programme, fingerprint=fingerprint, status=ReconciliationImport.Status.APPLIED
        ).first()
        if previous is not None:
            return previous
    _write(changed, _no_progress)
    return ReconciliationImport.objects.create(
        programme=programme,
        file_name=file_name[:200],
        fingerprint=fingerprint,
        row_count=row_count,
        changed_count=len(changed),
        created_by=actor if isinstance(actor, User) else None,
    )


def reconciliation_import_start(
    *, actor: User | AnonymousUser, programme: Programme, file_name: str, content: bytes
) -> ReconciliationImport:
    """Check at once who sends a result file, that the programme has payments sent to a
    provider and that the file is an ``.xlsx`` or ``.csv`` of at most 50 MB; keep it
    encrypted and queue a task worker to check and apply it
    (:func:`reconciliation_import_run`).

    Returns the import, ``received``, whose ``job_id`` names the job to follow. Raises
    :class:`PermissionDenied` (:class:`NotAuthenticated`) for anyone but a payments officer
    of the whole programme, :class:`Conflict` (``nothing_sent``) when no payment of the
    programme was sent, and :class:`ValidationFailed` on ``file`` for another kind of file
    or a larger one. The rows are checked by the job.
    """
    from barrio.registry.tasks import run_reconciliation

    require_whole(actor, Action.PAYMENT_RECONCILE, programme)
    _kind(file_name)
    if len(content) > IMPORT_MAX_BYTES:
        raise ValidationFailed(errors=[FieldError(("file",), _("The file is larger than 50 MB."))])
    if not Payment.objects.filter(plan__programme=programme, status__in=_SENT).exists():
        raise Conflict(
            _("No payment of this programme was sent to a provider yet."), code="nothing_sent"
        )
    user = actor if isinstance(actor, User) else None
    with transaction.atomic():
        record = ReconciliationImport.objects.create(
            programme=programme,
            file_name=file_name[:200],
            fingerprint=_fingerprint(content),
            status=ReconciliationImport.Status.RECEIVED,
            payload=base64.b64encode(content).decode("ascii"),
            row_count=0,
            changed_count=0,
            created_by=user,
        )
        job = job_start(
            actor=user,
            kind="registry.reconciliation",
            title=str(_("Reconciliation with %(file)s") % {"file": record.file_name}),
            task=run_reconciliation,
            arguments={"import_id": record.pk, "user_id": actor.pk},
        )
        record.job_id = str(job.pk)
        record.save(update_fields=["job_id"])
    return record


def reconciliation_import_run(
    *, record: ReconciliationImport, actor: User | AnonymousUser, progress: Progress
) -> ReconciliationImport:
    """Check every row of a received result file, then apply it all in one transaction
    (the task worker's part of :func:`reconciliation_import_start`); the stored file is
    dropped whether it was applied or rejected.

    Raises :class:`Conflict` (``not_received``) for an import already applied or rejected,
    :class:`PermissionDenied` when ``actor`` may no longer reconcile, and
    :class:`ValidationFailed` with every problem at ``("row", n, column)``, kept on the
    import as well; then no payment changed.
    """
    if record.status != ReconciliationImport.Status.RECEIVED:
        raise Conflict(_("This file was already checked."), code="not_received")
    content = base64.b64decode(record.payload) if record.payload else b""
    try:
        with transaction.atomic():
            require_whole(actor, Action.PAYMENT_RECONCILE, record.programme)
            row_count, changed = _checked(record.programme, record.file_name, content, progress)
            _write(changed, progress)
            record.status = ReconciliationImport.Status.APPLIED
            record.row_count, record.changed_count = row_count, len(changed)
            record.payload = ""
            record.save(update_fields=["status", "row_count", "changed_count", "payload"])
    except BarrioError as error:
        record.status = ReconciliationImport.Status.REJECTED
        record.errors = [problem.as_dict() for problem in error.errors] or [
            {"loc": [], "msg": str(error.message)}
        ]
        record.payload = ""
        record.save(update_fields=["status", "errors", "payload"])
        raise
    progress(1, 1, str(_("Done.")))
    return record


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
