"""A closed, published vote of the Mexico City demo: online ballots, a polling station's
paper ballots typed twice, and its allocation under two rules (greedy and Method of Equal
Shares), the second approved and published.

The vote belongs to a past call, "Mejoramiento Barrial 2025", of one prioritised colonia of
Cuauhtémoc: its six proposals take the titles and the approved amount of real projects of
the alcaldía's 2018 participatory budget (``data/mx_cdmx_pp2018_proyectos_muestra.csv``) and
are loaded as approved by their assembly (that call's review is not part of the demo). The
residents, officials and ballots are synthetic, drawn with a seed: 36 residents support the
lighting and paving projects, 24 the garden and classroom, so that the two rules differ.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from barrio.accounts.services import role_grant
from barrio.participation.models import (
    AllocationRun,
    Call,
    CommunityGroup,
    Election,
    PaperTally,
    Proposal,
    WorkKind,
)
from barrio.participation.services import (
    Choice,
    PotSpec,
    RunSpec,
    VoteSpec,
    allocation_run_approve,
    allocation_run_create,
    ballot_cast,
    paper_entry_import,
    paper_tally_resolve,
    station_create,
    station_official_assign,
    vote_close,
    vote_create,
    vote_open,
)
from barrio.planning.selectors import approved_run_list, approved_run_units

DATA = Path(__file__).resolve().parent / "data"
MANAGER = "gestora.cdmx@barrio.demo"
#: A second manager: the four eyes that approve the run and resolve the paper's doubts.
SUPERVISOR = "supervisora.cdmx@barrio.demo"
SEED = 2025
#: 2018 projects whose titles name no colonia, by ``id_ref``, with the kind of work.
PROJECTS = [
    ("634", WorkKind.STREETS_LIGHTING),
    ("642", WorkKind.STREETS_LIGHTING),
    ("622", WorkKind.STREETS_LIGHTING),
    ("675", WorkKind.PARK),
    ("672", WorkKind.COMMUNITY_CENTRE),
    ("677", WorkKind.STREETS_LIGHTING),
]
#: Who supports what: (residents, projects by position); 60 online ballots.
CAMPS = [(36, (0, 1, 2)), (24, (3, 4))]
#: The station's 12 paper sheets (ticks per project, in ballot order).
SHEETS = [
    (1, 1, 0, 0, 0, 0),
    (0, 1, 1, 0, 0, 0),
    (1, 0, 1, 0, 0, 0),
    (0, 0, 0, 1, 1, 0),
    (0, 0, 0, 1, 0, 1),
    (1, 0, 0, 0, 0, 1),
    (0, 0, 0, 0, 1, 1),
    (1, 1, 0, 0, 0, 0),
    (0, 0, 0, 1, 1, 0),
    (0, 0, 0, 0, 0, 0),  # blank
    (0, 1, 0, 1, 0, 0),
    (1, 0, 0, 0, 1, 0),
]


def _rows() -> dict[str, dict[str, str]]:
    with (DATA / "mx_cdmx_pp2018_proyectos_muestra.csv").open(encoding="utf-8") as file:
        return {row["id_ref"]: row for row in csv.DictReader(file)}


def _user(email: str, **names: str) -> Any:
    """A synthetic person who does not sign in (no usable password)."""
    model = get_user_model()
    found = model.objects.filter(username=email).first()
    return found or model.objects.create_user(username=email, email=email, password=None, **names)


def _past_call(programme: Any, unit: Any, manager: Any, representative: Any) -> list[Proposal]:
    now = timezone.now()
    day = dt.timedelta(days=1)
    call = Call.objects.create(
        programme=programme,
        slug="mejoramiento-barrial-2025",
        title="Convocatoria de Mejoramiento Barrial y Comunitario 2025",
        summary="La convocatoria del año anterior: su consulta vecinal ya tiene resultados.",
        status=Call.Status.PUBLISHED,
        submission_opens_at=now - 300 * day,
        submission_closes_at=now - 260 * day,
        review_closes_at=now - 220 * day,
        assemblies_close_at=now - 190 * day,
        results_at=now - 150 * day,
        max_project_cents=150_000_000,
        total_cents=1_000_000_000,
        targeting_run_id=approved_run_list(programme=programme)[0][0],
    )
    call.units.add(unit)
    group = CommunityGroup.objects.create(
        programme=programme,
        name=f"Vecinas y vecinos de {unit.name} (2025)",
        unit=unit,
        representative=representative,
        description="Grupo vecinal de demostración.",
    )
    rows = _rows()
    return [
        Proposal.objects.create(
            call=call,
            group=group,
            unit=unit,
            reference=f"MB25-{number:03d}",
            title=rows[ref]["proyecto"].strip(),
            kind=kind,
            total_cents=int(Decimal(rows[ref]["aprobado_mxn"]) * 100),
            status="approved",
        )
        for number, (ref, kind) in enumerate(PROJECTS, start=1)
    ]


def _paper(path: Path, code: str, refs: list[str], sheets: Sequence[tuple[int, ...]]) -> Path:
    lines = [",".join(["station", "sheet", *refs])]
    lines += [
        ",".join([code, str(n), *("x" if v else "" for v in s)])
        for n, s in enumerate(sheets, start=1)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def load_vote_demo(programme: Any, admin: Any, users: dict[str, Any]) -> None:
    """Give demo-cdmx a closed vote with results under two rules; runs once."""
    if programme.slug != "demo-cdmx" or MANAGER not in users or SUPERVISOR not in users:
        return
    if Election.objects.filter(call__programme=programme).exists():
        return
    runs = approved_run_list(programme=programme)
    if not runs:
        return
    chosen = approved_run_units(programme=programme, run_id=runs[0][0])
    unit = next((u for u in chosen if u.code.startswith("09015-")), None)
    if unit is None:
        return
    manager = users[MANAGER]
    until = dt.date.today() + dt.timedelta(days=365)
    # A demo user of programmes.json (password and programme-manager role given there).
    supervisor = users[SUPERVISOR]
    proposals = _past_call(programme, unit, manager, manager)
    opens = timezone.now() - dt.timedelta(days=170)
    closes = opens + dt.timedelta(days=7)
    budget = sum(p.total_cents for p in proposals[:3])  # three of the six projects
    election = vote_create(
        actor=manager,
        call=proposals[0].call,
        spec=VoteSpec(
            title="Consulta vecinal 2025",
            opens_at=opens,
            closes_at=closes,
            ballot_kind="approval",
            rule="mes",
            max_choices=3,
            pots=(PotSpec(unit.name, budget, unit.pk),),
        ),
    )
    election = vote_open(actor=manager, election=election, now=opens)
    pot = election.pots.get()
    ids = [item.proposal_id for item in pot.items.order_by("position")]
    rng = random.Random(SEED)
    number = 0
    for count, camp in CAMPS:
        for _ in range(count):
            number += 1
            resident = _user(f"vecina{number:03d}.2025@barrio.demo")
            role_grant(
                actor=admin,
                user=resident,
                role="resident",
                programme=programme,
                unit=unit,
                expires_on=until,
            )
            picked = [p for p in camp if rng.random() < 0.85] or [camp[0]]
            ballot_cast(
                actor=resident,
                pot=pot,
                choices=[Choice(ids[p]) for p in picked],
                now=opens + dt.timedelta(hours=number),
            )
    station = station_create(
        actor=manager,
        election=election,
        code="MR-01",
        name="Mesa receptora del deportivo",
        place=f"Deportivo de la colonia {unit.name}",
        unit=unit,
    )
    officials = []
    for name in ("funcionaria1", "funcionario2"):
        official = _user(f"{name}.2025@barrio.demo")
        role_grant(
            actor=admin,
            user=official,
            role="municipal_team",
            programme=programme,
            unit=unit,
            expires_on=until,
        )
        station_official_assign(actor=manager, station=station, user=official)
        officials.append(official)
    refs = [p.reference for p in proposals]
    typo = list(SHEETS)
    typo[4] = (0, 0, 0, 1, 0, 0)  # the second official missed a tick on sheet 5
    with tempfile.TemporaryDirectory() as folder:
        for official, sheets, name in ((officials[0], SHEETS, "a"), (officials[1], typo, "b")):
            path = _paper(Path(folder) / f"{name}.csv", station.code, refs, sheets)
            paper_entry_import(actor=official, station=station, pot=pot, kind="sheets", path=path)
    tally = PaperTally.objects.get(station=station, pot=pot)
    paper_tally_resolve(actor=supervisor, tally=tally, sheets={"5": {ids[3]: 1, ids[5]: 1}})
    election = vote_close(actor=manager, election=election, now=closes)
    allocation_run_create(actor=manager, election=election, spec=RunSpec(rule="greedy"))
    mes = allocation_run_create(actor=manager, election=election)
    allocation_run_approve(actor=supervisor, run=AllocationRun.objects.get(pk=mes.pk))
