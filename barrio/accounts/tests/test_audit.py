"""Every change and every read of personal data is recorded, for the auditors of its scope."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django_tasks import task

from barrio.accounts.audit import Channel, audit_personal_data_read
from barrio.accounts.models import Profile, Role
from barrio.accounts.services import api_token_create, role_grant
from barrio.accounts.tests.factories import build_world, grant, make_user
from barrio.accounts.tests.test_permission_matrix import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def accesses(channel: str) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__channel=channel)
    )


def test_a_change_is_logged_with_its_actor_and_programme(world):
    manager = make_user("gestora@lima.pe")
    grant(manager, Role.PROGRAMME_MANAGER, world.lima)
    newcomer = make_user("nuevo@lima.pe")
    created = role_grant(
        actor=manager,
        user=newcomer,
        role=Role.CASEWORKER,
        programme=world.lima,
        unit=world.miraflores,
        expires_on=dt.date.today() + dt.timedelta(days=10),
    )
    entry = LogEntry.objects.get_for_object(created).get(action=LogEntry.Action.CREATE)
    assert entry.additional_data == {"programme": "lima"}


def test_profile_changes_are_logged_masked():
    user = make_user("ana@example.org")
    profile = Profile.objects.create(user=user, phone="+51 999 111 222")
    profile.phone = "+51 999 333 444"
    profile.save()
    entries = list(LogEntry.objects.get_for_object(profile))
    logged = [
        value
        for entry in entries
        for field in ("phone", "notes")
        for value in (entry.changes_dict or {}).get(field, [])
    ]
    assert "[personal data]" in logged
    assert set(logged) <= {"[personal data]", "None", ""}


def test_page_read_is_logged():
    user = make_user("ana@example.org")
    Profile.objects.create(user=user, phone="+51 1")
    client = Client()
    client.force_login(user)
    assert client.get("/accounts/profile/").status_code == 200
    (entry,) = accesses("page")
    assert entry.actor == user


def test_api_read_is_logged():
    user = make_user("ana@example.org")
    Profile.objects.create(user=user, phone="+51 1")
    plain = api_token_create(actor=user, name="t", days=1)[1]
    response = Client().get("/api/v1/me/profile", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert response.json()["phone"] == "+51 1"
    (entry,) = accesses("api")
    assert entry.actor == user


def test_export_asks_a_reason_and_is_logged(world):
    auditor = make_user("auditora@lima.pe")
    grant(auditor, Role.AUDITOR, world.lima)
    client = signed_in_client(auditor)
    refused = client.post("/accounts/programmes/lima/audit/", {"reason": "short"})
    assert refused.status_code == 200  # the form again, with the error
    assert not accesses("export")
    response = client.post(
        "/accounts/programmes/lima/audit/", {"reason": "Quarterly review of access by staff"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    (entry,) = accesses("export")
    assert entry.additional_data["reason"] == "Quarterly review of access by staff"
    assert entry.additional_data["programme"] == "lima"


@task()
def read_profiles_task(user_id: int) -> int:
    """A task that reads personal data and records it, as exports and matchers do."""
    return audit_personal_data_read(
        actor=None, objects=Profile.objects.filter(user_id=user_id), channel=Channel.TASK
    )


def test_task_read_is_logged():
    user = make_user("ana@example.org")
    Profile.objects.create(user=user, phone="+51 1")
    assert read_profiles_task.call(user.pk) == 1
    (entry,) = accesses("task")
    assert entry.actor is None


def test_auditor_sees_only_their_programme(world):
    lima_auditor = make_user("auditora@lima.pe")
    grant(lima_auditor, Role.AUDITOR, world.lima)
    manager = make_user("gestor@quito.ec")
    grant(manager, Role.PROGRAMME_MANAGER, world.quito)
    role_grant(
        actor=manager,
        user=make_user("x@quito.ec"),
        role=Role.RESIDENT,
        programme=world.quito,
        unit=None,
        expires_on=dt.date.today() + dt.timedelta(days=3),
    )
    client = signed_in_client(lima_auditor)
    body = client.get("/api/v1/programmes/lima/audit").json()
    assert all(e["object_type"] != "rolegrant" or e["id"] for e in body)
    assert not [e for e in body if e["actor"] == "gestor@quito.ec"]
    assert client.get("/api/v1/programmes/quito/audit").status_code == 404


def test_nobody_changes_the_log_from_the_admin(rf):
    from django.contrib import admin

    model_admin = admin.site._registry[LogEntry]
    request = rf.get("/admin/auditlog/logentry/")
    request.user = make_user("root@x.org", superuser=True)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_refusals_are_recorded_for_roles_out_of_scope_and_guessed_ids(world):
    """A manager of Quito asking for Lima's roles, or a grant of Lima by its id, is refused
    and the refusal recorded; so is an expired token. The public is not recorded."""
    from barrio.accounts.models import AccessDenial

    quito_manager = make_user("gestor@quito.ec")
    grant(quito_manager, Role.PROGRAMME_MANAGER, world.quito)
    lima_grant = grant(make_user("x@lima.pe"), Role.RESIDENT, world.lima)
    client = signed_in_client(quito_manager)
    assert client.get("/api/v1/programmes/lima/roles").status_code == 404
    assert client.delete(f"/api/v1/roles/{lima_grant.pk}").status_code == 404
    assert client.get("/accounts/programmes/lima/roles/").status_code == 404
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION="Bearer barrio_x_y").status_code == 401
    assert Client().get("/accounts/programmes/lima/").status_code == 404
    refusals = list(
        AccessDenial.objects.order_by("created_at").values_list("user__email", "status")
    )
    assert refusals == [
        ("gestor@quito.ec", 404),
        ("gestor@quito.ec", 404),
        ("gestor@quito.ec", 404),
        (None, 401),
    ]
