"""``manage.py rotate_keys``: re-encrypt every personal field with the newest key."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, models, transaction

from barrio.crypto import EncryptedTextField, is_encrypted_with_newest_key, rotate


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Return every model with encrypted fields, and the names of those fields."""
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


def rotate_model(model: type[models.Model], names: list[str], *, batch: int) -> tuple[int, int]:
    """Re-encrypt the given fields of every row of ``model``, one atomic batch at a time.

    Rows are read by ascending key and written back with a raw ``UPDATE`` of the stored tokens
    (no decryption into Python values, no signals, no ``updated_at`` change). A token the
    newest key already opens is left alone, so a run that stopped half-way simply resumes.
    Returns (rows seen, rows re-encrypted).
    """
    manager = model._default_manager
    fields = {f.name: f for f in model._meta.concrete_fields}
    columns = {name: fields[name].column for name in names}
    seen = changed = 0
    last_pk: Any = None
    while True:
        with transaction.atomic():
            rows = manager.order_by("pk")
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            # The ORM would decrypt the fields; the tokens are read and written as stored.
            chunk = list(rows.values_list("pk", flat=True)[:batch])
            if not chunk:
                break
            table = model._meta.db_table
            pk = model._meta.pk
            assert pk is not None
            pk_column = pk.column
            quote = connection.ops.quote_name
            select = ", ".join(quote(columns[n]) for n in names)
            placeholders = ", ".join(["%s"] * len(chunk))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {quote(pk_column)}, {select} FROM {quote(table)} "  # noqa: S608
                    f"WHERE {quote(pk_column)} IN ({placeholders})",
                    chunk,
                )
                stored = cursor.fetchall()
                for pk, *tokens in stored:
                    fresh = [
                        token if not token or is_encrypted_with_newest_key(token) else rotate(token)
                        for token in tokens
                    ]
                    if fresh != list(tokens):
                        assignments = ", ".join(f"{quote(columns[n])} = %s" for n in names)
                        cursor.execute(
                            f"UPDATE {quote(table)} SET {assignments} "  # noqa: S608
                            f"WHERE {quote(pk_column)} = %s",
                            [*fresh, pk],
                        )
                        changed += 1
            seen += len(chunk)
            last_pk = chunk[-1]
    return seen, changed


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted personal field with the newest key (the first of "
        "BARRIO_FIELD_KEYS). Put the new key first, keep the old ones after it, run this, then "
        "remove the old keys. Atomic per batch and resumable: run it again after a stop."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=1000, help="Rows per transaction.")

    def handle(self, *args: Any, **options: Any) -> None:
        for model, names in encrypted_fields():
            seen, changed = rotate_model(model, names, batch=options["batch"])
            self.stdout.write(
                f"{model._meta.label}: {changed} of {seen} rows re-encrypted ({', '.join(names)})."
            )
