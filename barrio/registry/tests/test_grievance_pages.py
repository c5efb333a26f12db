"""The orientation centre's pages: queue, intake, case, corrections; reads are audited."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from barrio.accounts.tests.test_permission_matrix import signed_in_client
from barrio.registry.models import DataChangeRequest, Grievance, Member
from barrio.registry.tests.factories import build_desk, register

pytestmark = pytest.mark.django_db


def test_intake_queue_and_case_page_show_personal_data_only_on_request():
    desk = build_desk()
    client = signed_in_client(desk.caseworker)
    response = client.post(
        "/registry/programmes/lima/grievances/new/",
        {
            "category": "information",
            "channel": "phone",
            "unit": desk.world.miraflores.pk,
            "contact_name": "Persona Sintética",
            "contact_phone": "+51 900 000 000",
            "description": "Pregunta por el calendario de pagos.",
        },
    )
    case = Grievance.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/{case.pk}/")
    page = client.get(f"/registry/grievances/{case.pk}/").content.decode()
    assert "Persona Sintética" not in page
    shown = client.post(f"/registry/grievances/{case.pk}/", {"action": "show"}).content.decode()
    assert "Persona Sintética" in shown
    assert (
        LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(case.pk)).count() == 1
    )
    queue = client.get(
        "/registry/programmes/lima/grievances/?category=information"
    ).content.decode()
    assert f"/registry/grievances/{case.pk}/" in queue
    empty = client.get("/registry/programmes/lima/grievances/?category=payment").content.decode()
    assert f"/registry/grievances/{case.pk}/" not in empty


def test_intake_errors_are_shown_next_to_the_fields():
    desk = build_desk()
    client = signed_in_client(desk.caseworker)
    response = client.post(
        "/registry/programmes/lima/grievances/new/",
        {"category": "payment", "channel": "phone", "description": "Sin datos."},
    )
    assert response.status_code == 200
    assert Grievance.objects.count() == 0
    assert response.context["form"].errors.keys() >= {"unit"}


def test_sensitive_case_recorded_at_the_desk_leaves_the_recorders_sight():
    desk = build_desk()
    client = signed_in_client(desk.caseworker)
    response = client.post(
        "/registry/programmes/lima/grievances/new/",
        {
            "category": "protection",
            "channel": "desk",
            "unit": desk.world.miraflores.pk,
            "contact_name": "Persona",
            "contact_phone": "+51 900 000 000",
            "description": "Amenazas del arrendador.",
        },
    )
    assert response["Location"] == "/registry/programmes/lima/grievances/"
    case = Grievance.objects.get()
    assert client.get(f"/registry/grievances/{case.pk}/").status_code == 404
    assert signed_in_client(desk.manager).get(f"/registry/grievances/{case.pk}/").status_code == 200


def test_correction_asked_on_the_household_page_and_approved_by_another():
    desk = build_desk()
    household = register(desk)
    asker = signed_in_client(desk.caseworker)
    page = asker.get(f"/registry/households/{household.pk}/").content.decode()
    assert f"/registry/households/{household.pk}/corrections/new/" in page
    response = asker.post(
        f"/registry/households/{household.pk}/corrections/new/",
        {
            "field": "phone",
            "target": f"m{household.head_id}",
            "new_value": "+51 912 345 678",
            "reason": "Cambió de número.",
        },
    )
    change = DataChangeRequest.objects.get()
    assert response["Location"] == f"/registry/corrections/{change.pk}/"
    own = asker.get(f"/registry/corrections/{change.pk}/")
    assert own.context["may_decide"] is False
    assert (
        asker.post(
            f"/registry/corrections/{change.pk}/", {"action": "decide", "decision": "approve"}
        ).status_code
        == 403
    )
    decider = signed_in_client(desk.province_caseworker)
    queue = decider.get("/registry/programmes/lima/corrections/").content.decode()
    assert f"/registry/corrections/{change.pk}/" in queue
    decider.post(f"/registry/corrections/{change.pk}/", {"action": "decide", "decision": "approve"})
    assert Member.objects.get(pk=household.head_id).phone == "+51 912 345 678"
    change.refresh_from_db()
    assert change.status == "approved"


def test_referral_and_message_pages():
    from barrio.accounts.services import organisation_create

    desk = build_desk()
    household = register(desk)
    organisation_create(
        name="Clínica Sintética", kind="ngo", country="PE", programmes=[desk.world.lima]
    )
    client = signed_in_client(desk.caseworker)
    url = f"/registry/programmes/lima/referrals/new/?household={household.pk}"
    form = client.get(url)
    assert form.status_code == 200
    organisation = form.context["form"].fields["organisation"].choices[0][0]
    made = client.post(url, {"service": "health", "organisation": organisation})
    assert made.status_code == 302
    referral_page = client.get(made["Location"]).content.decode()
    assert "Clínica Sintética" in referral_page
    household_page = client.get(f"/registry/households/{household.pk}/").content.decode()
    assert "Clínica Sintética" in household_page
    assert signed_in_client(desk.manager).get(url).status_code == 403

    manager = signed_in_client(desk.manager)
    saved = manager.post(
        "/registry/programmes/lima/messages/",
        {"name": "Aviso", "body_es": "Hola {given_name}, su cita es el {date}."},
    )
    assert saved.status_code == 302
    template_page = manager.get(saved["Location"])
    assert "GSM-7" in template_page.content.decode()
    sent = manager.post(saved["Location"], {"date": "02/12/2026"})
    assert sent.status_code == 302
    campaign_page = manager.get(sent["Location"]).content.decode()
    assert "En cola" in campaign_page or "Queued" in campaign_page
    refused = manager.post(
        "/registry/programmes/lima/messages/", {"name": "Malo", "body_es": "Hola {nombre}"}
    )
    assert refused.status_code == 200
    assert "body_es" in refused.context["form"].errors
