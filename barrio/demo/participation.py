"""The open call of the Mexico City demo: groups of its prioritised colonias and their proposals.

The proposals' titles, descriptions and amounts come from real projects of Mexico City's 2018
participatory budget in the alcaldía Cuauhtémoc (``data/mx_cdmx_pp2018_proyectos_muestra.csv``,
see ``data/SOURCE.md``); the groups' members are synthetic names generated with a seed.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from faker import Faker
from shapely.geometry import mapping, shape

from barrio.accounts.services import role_grant
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models import Call, WorkKind
from barrio.participation.services import (
    attachment_add,
    call_create,
    call_publish,
    group_register,
    proposal_create,
    proposal_submit,
    proposal_transition,
    signature_add,
)
from barrio.participation.specs import (
    BudgetLineSpec,
    CallSpec,
    CriterionSpec,
    GroupSpec,
    MemberSpec,
    ProposalSpec,
    TimelineSpec,
)
from barrio.planning.selectors import approved_run_list, approved_run_units

DATA = Path(__file__).resolve().parent / "data"
SEED = 2018
MANAGER = "gestora.cdmx@barrio.demo"
#: Representative of every colonia of Iztapalapa (granted in programmes.json).
IZTAPALAPA_GROUPS = "grupo.iztapalapa@barrio.demo"
#: Representative of one prioritised colonia of Cuauhtémoc (granted here, once it is known).
CUAUHTEMOC_GROUP = "grupo.cuauhtemoc@barrio.demo"
DOCUMENT = "Acta de asamblea constitutiva del grupo"
#: A one-page PDF standing for the group's founding minutes.
MINUTES_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
S = ProposalStatus
#: The state each of the twelve proposals is brought to, with the reason where one is due.
STATES: list[tuple[str, str]] = [
    (S.DRAFT, ""),
    (S.SUBMITTED, ""),
    (S.UNDER_REVIEW, ""),
    (S.ADMITTED, ""),
    (S.REJECTED, "El predio propuesto es propiedad federal; la alcaldía no puede intervenirlo."),
    (S.RETURNED, "Falta el croquis de la obra y el presupuesto de la mano de obra por partida."),
    (S.SUBMITTED, ""),
    (S.ADMITTED, ""),
    (S.UNDER_REVIEW, ""),
    (S.DRAFT, ""),
    (S.SUBMITTED, ""),
    (S.ADMITTED, ""),
]
KIND_WORDS = [
    (r"lumin|ilumin|led|banquet|bacheo|calle|sendero|cruce", WorkKind.STREETS_LIGHTING),
    (r"drenaje|agua|tinaco|pipa|alcantarill", WorkKind.SERVICES),
    (r"parque|camell|verde|árbol|arbol|huerto|jard|reforest", WorkKind.PARK),
    (r"centro comunitario|aula|salón|salon", WorkKind.COMMUNITY_CENTRE),
    (r"fachada|predio|imagen|pintura", WorkKind.URBAN_IMAGE),
]
CRITERIA = (
    CriterionSpec("factibilidad", "Factibilidad técnica", 3, 5),
    CriterionSpec("tenencia", "Certeza de la tenencia del suelo", 2, 5),
    CriterionSpec("costos", "Razonabilidad de los costos", 2, 5),
    CriterionSpec("impacto", "Impacto social y urbano", 3, 5),
    CriterionSpec("participacion", "Participación comunitaria", 2, 5),
)


def _kind(text: str) -> str:
    lowered = text.lower()
    return next((kind for words, kind in KIND_WORDS if re.search(words, lowered)), WorkKind.OTHER)


def _projects() -> list[dict[str, str]]:
    with (DATA / "mx_cdmx_pp2018_proyectos_muestra.csv").open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def _budget(total_cents: int) -> tuple[BudgetLineSpec, ...]:
    """Split an approved amount into materials, labour and supervision, exactly."""
    materials = total_cents * 55 // 100
    labour = total_cents * 35 // 100
    return (
        BudgetLineSpec("Materiales", Decimal(1), "lote", materials),
        BudgetLineSpec("Mano de obra", Decimal(1), "lote", labour),
        BudgetLineSpec(
            "Supervisión y señalización", Decimal(1), "servicio", total_cents - materials - labour
        ),
    )


def _point_in(unit: Any) -> dict[str, Any]:
    return dict(mapping(shape(json.loads(unit.geometry)).representative_point()))


def _call(programme: Any, manager: Any) -> Call:
    runs = approved_run_list(programme=programme)
    now = timezone.now()
    day = dt.timedelta(days=1)
    spec = CallSpec(
        slug="mejoramiento-barrial-2026",
        title="Convocatoria de Mejoramiento Barrial y Comunitario 2026",
        summary=(
            "Los grupos vecinales de las colonias prioritarias proponen obras de hasta "
            "1.5 millones de pesos; el Comité Técnico Mixto las revisa y la asamblea "
            "vecinal aprueba las admitidas."
        ),
        submission_opens_at=now - 20 * day,
        submission_closes_at=now + 25 * day,
        review_closes_at=now + 55 * day,
        assemblies_close_at=now + 85 * day,
        results_at=now + 100 * day,
        max_project_cents=150_000_000,
        total_cents=6_000_000_000,
        kinds=tuple(WorkKind.values),
        targeting_run=runs[0][0],
        required_documents=(DOCUMENT,),
        min_group_members=5,
        min_signatures=3,
        criteria=CRITERIA,
    )
    return call_publish(
        actor=manager, call=call_create(actor=manager, programme=programme, spec=spec)
    )


def _group(programme: Any, user: Any, unit: Any, fake: Faker, name: str) -> Any:
    members = tuple(MemberSpec(fake.name(), unit.pk) for _ in range(6))
    spec = GroupSpec(
        name=name,
        unit_id=unit.pk,
        email="",
        description="Grupo vecinal de demostración.",
        members=members,
    )
    return group_register(actor=user, programme=programme, spec=spec)


def _bring_to(proposal: Any, state: str, reason: str, rep: Any, manager: Any, fake: Faker) -> None:
    if state == S.DRAFT:
        return
    attachment_add(
        actor=rep,
        proposal=proposal,
        upload=SimpleUploadedFile("acta.pdf", MINUTES_PDF, content_type="application/pdf"),
        title=DOCUMENT,
        document=DOCUMENT,
    )
    for _ in range(3):
        signature_add(
            actor=rep,
            proposal=proposal,
            full_name=fake.name(),
            document_number=fake.bothify("????######??????##").upper(),
            unit_id=proposal.unit_id,
        )
    proposal_submit(actor=rep, proposal=proposal)
    if state == S.SUBMITTED:
        return
    proposal_transition(actor=manager, proposal=proposal, to_status=S.UNDER_REVIEW)
    if state != S.UNDER_REVIEW:
        proposal_transition(actor=manager, proposal=proposal, to_status=state, reason=reason)


def load_participation(programme: Any, admin: Any, users: dict[str, Any]) -> None:
    """Give demo-cdmx its open call, four groups and twelve proposals in several states.

    Runs once: a programme that has a call already is left as it is.
    """
    if programme.slug != "demo-cdmx" or Call.objects.filter(programme=programme).exists():
        return
    manager = users[MANAGER]
    call = _call(programme, manager)
    chosen = approved_run_units(programme=programme, run_id=call.targeting_run_id or 0)
    iztapalapa = [unit for unit in chosen if unit.code.startswith("09007-")][:3]
    cuauhtemoc = next(unit for unit in chosen if unit.code.startswith("09015-"))
    role_grant(
        actor=admin,
        user=users[CUAUHTEMOC_GROUP],
        role="community_representative",
        programme=programme,
        unit=cuauhtemoc,
        expires_on=dt.date.today() + dt.timedelta(days=365),
    )
    fake = Faker("es_MX")
    fake.seed_instance(SEED)
    places = [(users[CUAUHTEMOC_GROUP], cuauhtemoc)] + [
        (users[IZTAPALAPA_GROUPS], unit) for unit in iztapalapa
    ]
    groups = [
        (rep, _group(programme, rep, unit, fake, f"Vecinas y vecinos de {unit.name}"))
        for rep, unit in places
    ]
    for index, (project, (state, reason)) in enumerate(zip(_projects(), STATES, strict=False)):
        rep, group = groups[index % len(groups)]
        total = int(Decimal(project["aprobado_mxn"]) * 100)
        spec = ProposalSpec(
            title=project["proyecto"][:200],
            kind=_kind(project["proyecto"] + " " + project["descripcion"]),
            unit_id=group.unit_id,
            location=_point_in(group.unit),
            # The 2018 file has "*" where the project was published without a description.
            diagnosis=project["descripcion"].strip(" *").capitalize()
            or f"La colonia {group.unit.name} necesita: {project['proyecto'].lower()}.",
            objectives=f"Realizar en {group.unit.name}: {project['proyecto']}.",
            beneficiaries="Las vecinas y los vecinos de la colonia.",
            beneficiary_count=1500 + 250 * index,
            budget_lines=_budget(total),
            timeline=(TimelineSpec("Proyecto ejecutivo", 1, 1), TimelineSpec("Obra", 2, 5)),
        )
        proposal = proposal_create(actor=rep, call=call, group=group, spec=spec)
        _bring_to(proposal, state, reason, rep, manager, fake)
