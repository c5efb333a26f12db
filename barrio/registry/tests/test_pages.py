"""The registry's pages: the desk registers a household, drafts, masking and unmasking."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.test import Client

from barrio.accounts.tests.test_permission_matrix import signed_in_client
from barrio.registry.models import Household, RegistrationDraft
from barrio.registry.tests.factories import build_desk, register

pytestmark = pytest.mark.django_db


def form_data(desk: Any, **overrides: str) -> dict[str, str]:
    data = {
        "unit": str(desk.world.miraflores.pk),
        "residence_status": "refugee",
        "arrival_date": "2023-04-05",
        "address": "Calle Los Pinos 45",
        "vulnerability": "no_income",
        "consent": "on",
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "1",
        "form-MAX_NUM_FORMS": "30",
        "form-0-given_names": "María José",
        "form-0-family_name_1": "Rondón",
        "form-0-sex": "female",
        "form-0-birth_date": "1988-11-02",
        "form-0-nationality": "VE",
        "form-0-relationship": "head",
        "form-0-phone": "987 111 222",
        "form-0-document_type": "pe_ptp",
        "form-0-document_number": "PTP-77665544",
        "form-0-collector": "primary",
        "form-1-given_names": "Ana",
        "form-1-family_name_1": "Rondón",
        "form-1-sex": "female",
        "form-1-birth_date": "2019-01-02",
        "form-1-nationality": "PE",
        "form-1-relationship": "child",
        "action": "register",
    }
    data.update(overrides)
    return data


def test_caseworker_registers_a_household_at_the_desk():
    desk = build_desk()
    client = signed_in_client(desk.caseworker)
    page = client.get("/registry/programmes/lima/register/")
    assert page.status_code == 200
    assert "Miraflores" in page.text
    answer = client.post("/registry/programmes/lima/register/", form_data(desk))
    household = Household.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/registry/households/{household.pk}/"
    assert household.members.count() == 2
    assert household.primary_collector.given_names == "María José"
    assert household.residence_status == "refugee"


def test_bad_form_shows_each_problem_and_saves_nothing():
    desk = build_desk()
    client = signed_in_client(desk.caseworker)
    answer = client.post(
        "/registry/programmes/lima/register/",
        form_data(desk, **{"form-1-relationship": "head", "form-0-birth_date": "2999-01-01"}),
    )
    assert answer.status_code == 200
    assert "A household has exactly one head." in answer.text or "exactamente" in answer.text
    assert Household.objects.count() == 0


def test_add_a_person_and_drafts_keep_what_was_typed():
    desk = build_desk()
    client = signed_in_client(desk.caseworker)
    answer = client.post("/registry/programmes/lima/register/", form_data(desk, action="add"))
    assert answer.status_code == 200
    assert 'name="form-TOTAL_FORMS" value="3"' in answer.text
    assert "María José" in answer.text
    draft = RegistrationDraft.objects.get()
    reopened = client.get(f"/registry/programmes/lima/register/?draft={draft.pk}")
    assert "María José" in reopened.text
    saved = client.post(
        "/registry/programmes/lima/register/",
        form_data(desk, action="autosave", draft=str(draft.pk)),
    )
    assert saved.json()["draft"] == draft.pk
    client.post("/registry/programmes/lima/register/", form_data(desk, draft=str(draft.pk)))
    assert RegistrationDraft.objects.count() == 0
    other = signed_in_client(desk.province_caseworker)
    assert other.get(f"/registry/programmes/lima/register/?draft={draft.pk}").status_code == 404


def test_household_page_is_masked_until_shown_and_showing_is_audited():
    desk = build_desk()
    household = register(desk)
    url = f"/registry/households/{household.pk}/"
    client = signed_in_client(desk.caseworker)
    masked = client.get(url)
    assert "Yusmary" not in masked.text
    assert "Flores" not in masked.text
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()
    shown = client.post(url)
    assert "Yusmary" in shown.text
    assert "Flores" in shown.text
    reads = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=desk.caseworker)
    assert reads.count() == 1 + 2 + 2  # the household, two people, two documents
    manager = signed_in_client(desk.manager)
    assert "Yusmary" not in manager.get(url).text
    assert manager.post(url).status_code == 403
    assert signed_in_client(desk.province_caseworker).get(url).status_code == 200
    assert Client().get(url).status_code == 302


def test_search_and_dashboard_pages():
    desk = build_desk()
    household = register(desk)
    client = signed_in_client(desk.caseworker)
    found = client.get("/registry/programmes/lima/households/?document=V12345678")
    assert f"/registry/households/{household.pk}/" in found.text
    by_name = client.get("/registry/programmes/lima/households/?name=gonzalez")
    assert f"/registry/households/{household.pk}/" in by_name.text
    board = signed_in_client(desk.manager).get("/registry/programmes/lima/")
    assert board.status_code == 200
    assert "&lt; 5" in board.text
    assert signed_in_client(desk.resident).get("/registry/programmes/lima/").status_code == 403
    assert dt.date.today()
