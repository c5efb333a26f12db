"""Benchmark: validate and stage (dry run), then apply, an import of 10,000 households
(~40,000 people) of synthetic people, from an XLSX file of the template and from CSV.

The reference, measured in the same run, is reading the same file's rows alone (openpyxl or
the csv module): the ratio says what checking every row and staging costs beyond reading.
Target (issue 9): validated and staged in under 60 s.

Run: ``python bench/bench_registry_import.py [--quick] [--households N]``.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GIVEN = ["Yusmary", "Carlos", "María José", "Luis Ángel", "Rosa", "Daniela", "José", "Ana"]
FAMILY = ["Pérez", "González", "Rondón", "Quispe", "Rivas", "Mendoza", "Salas", "Rojas"]


def synthetic_rows(households: int, units: list[str], seed: int = 9) -> list[list[str]]:
    """Rows of the template for ``households`` synthetic households of 1 to 7 people."""
    from barrio.registry.imports.parse import TEMPLATE_COLUMNS

    rng = random.Random(seed)
    rows = []
    for h in range(households):
        size = rng.choice([1, 2, 3, 4, 4, 5, 5, 6, 7])
        status = rng.choice(["migrant", "refugee", "host", "asylum_seeker", "returnee"])
        unit = rng.choice(units)
        arrival = f"20{rng.randint(17, 25)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        for m in range(size):
            row = dict.fromkeys(TEMPLATE_COLUMNS, "")
            row.update(
                household_id=f"H{h}",
                unit_code=unit,
                residence_status=status,
                arrival_date=arrival,
                address=f"Jr. Sintético {h}",
                member_id=f"H{h}-{m}",
                relationship="head" if m == 0 else rng.choice(["child", "partner", "parent"]),
                given_names=rng.choice(GIVEN),
                family_name_1=rng.choice(FAMILY),
                family_name_2=rng.choice(FAMILY),
                sex=rng.choice(["female", "male"]),
                birth_date=f"{rng.randint(1950, 2005)}-0{rng.randint(1, 9)}-2{rng.randint(0, 8)}",
                nationality=rng.choice(["VE", "VE", "PE", "CO"]),
                document_type=rng.choice(["ve_passport", "ve_cedula", "pe_cpp", "pe_dni"]),
                document_number=f"{h:07d}{m:02d}",
                phone=f"9{rng.randint(10_000_000, 99_999_999)}" if m == 0 else "",
            )
            rows.append([row[c] for c in TEMPLATE_COLUMNS])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="1,000 households")
    args = parser.parse_args()
    households = 1_000 if args.quick else args.households

    workdir = tempfile.mkdtemp(prefix="barrio-bench-")
    os.environ["BARRIO_VAR_DIR"] = workdir
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "barrio.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from openpyxl import Workbook, load_workbook

    call_command("migrate", verbosity=0)
    from barrio.accounts.services import programme_create, programme_set_units
    from barrio.registry.imports.parse import TEMPLATE_COLUMNS
    from barrio.registry.models import Member
    from barrio.registry.services import household_import
    from barrio.territories.services import unit_create

    province = unit_create(country="PE", level="provincia", code="1501", name="Lima")
    codes = [f"1501{d:02d}" for d in range(1, 44)]
    for code in codes:
        unit_create(country="PE", level="distrito", code=code, name=code, parent=province)
    programme = programme_create(
        slug="bench", name="Bench", country="PE", currency="PEN", time_zone="America/Lima"
    )
    programme_set_units(programme=programme, units=[province])
    rows = synthetic_rows(households, codes)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(TEMPLATE_COLUMNS)
    writer.writerows(rows)
    csv_bytes = buffer.getvalue().encode("utf-8")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "personas"
    sheet.append(list(TEMPLATE_COLUMNS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    xlsx_bytes = out.getvalue()
    print(f"input: {households:,} households, {len(rows):,} people")

    started = time.perf_counter()
    list(csv.reader(io.StringIO(csv_bytes.decode("utf-8"))))
    read_csv = time.perf_counter() - started
    started = time.perf_counter()
    book = load_workbook(io.BytesIO(xlsx_bytes), read_only=True, data_only=True)
    list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    read_xlsx = time.perf_counter() - started

    def stage(content: bytes, name: str) -> float:
        started = time.perf_counter()
        report = household_import(
            actor=None, programme=programme, content=content, file_name=name, dry_run=True
        )
        assert report.households_new == households, report
        return time.perf_counter() - started

    staged_csv = stage(csv_bytes, "bench.csv")
    staged_xlsx = stage(xlsx_bytes, "bench.xlsx")
    started = time.perf_counter()
    report = household_import(
        actor=None, programme=programme, content=csv_bytes, file_name="bench.csv"
    )
    applied = time.perf_counter() - started
    assert report.applied
    assert Member.objects.count() == len(rows)
    started = time.perf_counter()
    again = household_import(
        actor=None, programme=programme, content=csv_bytes, file_name="bench.csv"
    )
    repeated = time.perf_counter() - started
    assert again.households_new == 0

    print(f"reference: read CSV rows {read_csv:.2f} s; read XLSX rows {read_xlsx:.2f} s")
    print(
        f"validate + stage (dry run), CSV:  {staged_csv:.2f} s "
        f"(ratio {staged_csv / read_csv:.1f} × reading)"
    )
    print(
        f"validate + stage (dry run), XLSX: {staged_xlsx:.2f} s "
        f"(ratio {staged_xlsx / read_xlsx:.1f} × reading); target < 60 s"
    )
    print(f"apply (validate + encrypt + write), CSV: {applied:.2f} s")
    print(f"the same file again (adds nothing): {repeated:.2f} s")


if __name__ == "__main__":
    main()
