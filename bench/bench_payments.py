"""Benchmark: release a payment plan of 50,000 households (its provider lists written as
encrypted XLSX and AES-zipped CSV), then import a 50,000-row reconciliation file.

Both run through the services on a fresh SQLite database. The references, measured in the
same run, are writing the same rows with plain openpyxl (write-only) and csv, and reading
the result file with the csv module alone: the ratios say what reading the payments from
the database, decrypting the collectors, encrypting the files, and checking every
result row cost beyond that. Targets (issue 10): each under 30 s.

Run: ``python bench/bench_payments.py [--quick] [--households N]``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--quick", action="store_true", help="5,000 households")
    args = parser.parse_args()
    households = 5_000 if args.quick else args.households

    workdir = tempfile.mkdtemp(prefix="barrio-bench-")
    os.environ["BARRIO_VAR_DIR"] = workdir
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "barrio.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.db.models import OuterRef, Subquery

    call_command("migrate", verbosity=0)
    from barrio.accounts.models import Role
    from barrio.accounts.services import programme_create, programme_set_units
    from barrio.accounts.tests.factories import grant, make_user
    from barrio.bulk import bulk_insert
    from barrio.registry.models import DeliveryAccount, Household, Member, PaymentPlan
    from barrio.registry.payment_files import xlsx_bytes
    from barrio.registry.services.cycles import cash_budget_set, cycle_create
    from barrio.registry.services.eligibility import (
        eligibility_rule_save,
        target_list_approve,
        target_list_create,
    )
    from barrio.registry.services.payments import (
        FILE_HEADER,
        payment_plan_approve,
        payment_plan_authorize,
        payment_plan_create,
        payment_plan_release,
        payment_rows,
    )
    from barrio.registry.services.reconciliation import reconciliation_import
    from barrio.territories.services import unit_create

    province = unit_create(country="PE", level="provincia", code="1501", name="Lima")
    district = unit_create(
        country="PE", level="distrito", code="150101", name="Lima", parent=province
    )
    programme = programme_create(
        slug="bench", name="Bench", country="PE", currency="PEN", time_zone="America/Lima"
    )
    programme_set_units(programme=programme, units=[province])
    people = {}
    for name, role in (
        ("maker", Role.PAYMENTS_OFFICER),
        ("manager", Role.PROGRAMME_MANAGER),
        ("manager2", Role.PROGRAMME_MANAGER),
        ("authorizer", Role.PAYMENTS_OFFICER),
        ("releaser", Role.PAYMENTS_OFFICER),
    ):
        people[name] = make_user(f"{name}@bench.pe")
        grant(people[name], role, programme)

    rng = random.Random(10)
    started = time.perf_counter()
    with transaction.atomic():
        bulk_insert(
            Household,
            [
                "programme",
                "unit",
                "external_id",
                "address",
                "residence_status",
                "vulnerability",
                "status",
                "source_fingerprint",
                "created_at",
                "updated_at",
            ],
            (
                (
                    programme.pk,
                    district.pk,
                    f"B{h}",
                    "",
                    rng.choice(["host", "migrant", "refugee"]),
                    [],
                    "active",
                    "",
                    dt.datetime.now(dt.UTC),
                    dt.datetime.now(dt.UTC),
                )
                for h in range(households)
            ),
        )
        ids = list(Household.objects.order_by("pk").values_list("pk", flat=True))
        bulk_insert(
            Member,
            [
                "household",
                "external_id",
                "given_names",
                "family_name_1",
                "family_name_2",
                "sex",
                "birth_date",
                "nationality",
                "relationship",
                "disability",
                "pregnancy",
                "phone",
                "phone_index",
                "name_index",
                "created_at",
                "updated_at",
            ],
            (
                (
                    h,
                    "",
                    "Yusmary",
                    "Pérez",
                    "Rondón",
                    "female",
                    dt.date(1990, 1, 1),
                    "VE",
                    "head",
                    False,
                    False,
                    "",
                    "",
                    "",
                    dt.datetime.now(dt.UTC),
                    dt.datetime.now(dt.UTC),
                )
                for h in ids
            ),
        )
        first_member = Member.objects.filter(household_id=OuterRef("pk")).values("pk")[:1]
        Household.objects.update(head_id=Subquery(first_member))
        bulk_insert(
            DeliveryAccount,
            ["household", "provider", "mechanism", "details", "updated_at"],
            (
                (
                    h,
                    "yape",
                    "mobile_wallet",
                    json.dumps({"phone": f"9{h:08d}"}),
                    dt.datetime.now(dt.UTC),
                )
                for h in ids
            ),
        )
    print(f"input: {households:,} households (setup {time.perf_counter() - started:.1f} s)")

    rule = eligibility_rule_save(
        actor=people["maker"], programme=programme, name="all", definition={}
    )
    started = time.perf_counter()
    target = target_list_create(actor=people["maker"], rule=rule)
    made = time.perf_counter() - started
    target = target_list_approve(actor=people["manager"], target_list=target)
    cash_budget_set(
        actor=people["manager"], programme=programme, currency="PEN", total_cents=10**12
    )
    cycle = cycle_create(
        actor=people["manager"],
        programme=programme,
        name="c",
        starts_on=dt.date.today(),
        ends_on=dt.date.today(),
        budget_cents=10**11,
        formula={"currency": "PEN", "base_cents": 20_000, "per_child_cents": 5_000},
    )
    started = time.perf_counter()
    plan = payment_plan_create(actor=people["maker"], cycle=cycle, target_list=target)
    planned = time.perf_counter() - started
    assert plan.payment_count == households, plan.payment_count
    plan = payment_plan_approve(actor=people["manager2"], plan=plan)
    plan = payment_plan_authorize(actor=people["authorizer"], plan=plan)

    rows = [row for provider_rows in payment_rows(plan).values() for row in provider_rows]
    started = time.perf_counter()
    xlsx_bytes(FILE_HEADER, rows)
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    reference_write = time.perf_counter() - started
    started = time.perf_counter()
    plan, _password = payment_plan_release(actor=people["releaser"], plan=plan)
    released = time.perf_counter() - started
    assert plan.status == PaymentPlan.Status.RELEASED

    result = io.StringIO()
    writer = csv.writer(result)
    writer.writerow(["reference", "delivered_amount", "delivered_on", "failure_reason"])
    for reference, *_rest in rows:
        if rng.random() < 0.9:
            writer.writerow([reference, "200.00", dt.date.today().isoformat(), ""])
        else:
            writer.writerow([reference, "0", "", "cuenta no activa"])
    content = result.getvalue().encode("utf-8")
    started = time.perf_counter()
    list(csv.reader(io.StringIO(content.decode("utf-8"))))
    reference_read = time.perf_counter() - started
    started = time.perf_counter()
    done = reconciliation_import(
        actor=people["releaser"], programme=programme, file_name="r.csv", content=content
    )
    imported = time.perf_counter() - started
    assert done.changed_count == households
    started = time.perf_counter()
    again = reconciliation_import(
        actor=people["releaser"], programme=programme, file_name="r.csv", content=content
    )
    repeated = time.perf_counter() - started
    assert again.pk == done.pk  # the same file again: nothing applied, the same import

    print(
        f"target list over {households:,} households: {made:.2f} s; payment plan: {planned:.2f} s"
    )
    print(
        f"release (read + decrypt + XLSX and CSV, encrypted): {released:.2f} s; reference plain "
        f"openpyxl + csv write of the same rows {reference_write:.2f} s "
        f"(ratio {released / reference_write:.1f}); target < 30 s"
    )
    print(
        f"reconciliation import of {households:,} rows: {imported:.2f} s; reference csv read "
        f"{reference_read:.3f} s (ratio {imported / reference_read:.0f}); target < 30 s"
    )
    print(f"the same file again (changes nothing): {repeated:.2f} s")


if __name__ == "__main__":
    main()
