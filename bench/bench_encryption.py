"""Benchmark: write and read 100,000 records with encrypted personal fields, against the same
records in plain fields, through the ORM on SQLite (the ratio is the cost of encryption).

Run: ``python bench/bench_encryption.py [--quick] [--rows N]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="10,000 rows instead of 100,000")
    args = parser.parse_args()
    rows = 10_000 if args.quick else args.rows

    workdir = tempfile.mkdtemp(prefix="barrio-bench-")
    os.environ["BARRIO_VAR_DIR"] = workdir
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "barrio.settings"
    import django

    django.setup()
    from django.db import connection, models

    from barrio.crypto import EncryptedTextField

    class EncryptedRecord(models.Model):
        phone = EncryptedTextField()
        notes = EncryptedTextField()

        class Meta:
            app_label = "accounts"
            db_table = "bench_encrypted_record"

        def __str__(self) -> str:
            return f"encrypted record {self.pk}"

    class PlainRecord(models.Model):
        phone = models.TextField()
        notes = models.TextField()

        class Meta:
            app_label = "accounts"
            db_table = "bench_plain_record"

        def __str__(self) -> str:
            return f"plain record {self.pk}"

    with connection.schema_editor() as editor:
        editor.create_model(EncryptedRecord)
        editor.create_model(PlainRecord)

    values = [
        (f"+51 9{i:08d}", f"Hogar {i}: familia venezolana, 4 personas, llegó en 2024.")
        for i in range(rows)
    ]
    results: dict[str, dict[str, float]] = {}
    tables: list[tuple[str, type[models.Model]]] = [
        ("plain", PlainRecord),
        ("encrypted", EncryptedRecord),
    ]
    for label, model in tables:
        started = time.perf_counter()
        model._default_manager.bulk_create(
            [model(phone=phone, notes=notes) for phone, notes in values], batch_size=5000
        )
        written = time.perf_counter() - started
        started = time.perf_counter()
        read = list(model._default_manager.values_list("phone", "notes"))
        reading = time.perf_counter() - started
        assert read[0] == values[0]
        assert len(read) == rows
        results[label] = {"write": written, "read": reading}

    print(f"encryption: {rows:,} records of 2 personal fields, SQLite, ORM bulk write and read")
    print(f"{'':10} {'write s':>9} {'read s':>9}")
    for label, figures in results.items():
        print(f"{label:10} {figures['write']:9.2f} {figures['read']:9.2f}")
    for step in ("write", "read"):
        ratio = results["encrypted"][step] / results["plain"][step]
        print(f"ratio encrypted/plain, {step}: {ratio:.1f}×")


if __name__ == "__main__":
    main()
