"""Eligibility rules and target lists: versions, reasons, four eyes, unchanged inputs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from barrio.accounts.models import Role
from barrio.accounts.tests.factories import grant, make_user
from barrio.errors import Conflict, PermissionDenied, ValidationFailed
from barrio.registry.models import EligibilityRule, Household, TargetList, TargetListEntry
from barrio.registry.payments_explain import explain_entry
from barrio.registry.services.eligibility import (
    eligibility_rule_save,
    household_frame,
    target_list_approve,
    target_list_create,
)
from barrio.registry.tests.factories import another_person, build_desk, child, household, register

pytestmark = pytest.mark.django_db

RULE = {
    "conditions": [{"field": "size", "op": "gte", "value": 2}],
    "scorecard": [{"field": "children", "weight": "2"}],
    "quotas": [{"field": "residence_status", "value": "host", "share": "0.5"}],
    "max_count": 2,
}


@pytest.fixture
def cash():
    desk = build_desk()
    officer = make_user("pagos@lima.pe")
    grant(officer, Role.PAYMENTS_OFFICER, desk.world.lima)
    other_manager = make_user("gerente@lima.pe")
    grant(other_manager, Role.PROGRAMME_MANAGER, desk.world.lima)
    desk.officer = officer
    desk.other_manager = other_manager
    # Four households: a host with one child, migrants with 2 and 3 children, a single person.
    kids = [child(documents=()) for _ in range(3)]
    register(desk, household(another_person("H-10001"), kids[0], residence_status="host"))
    register(desk, household(another_person("M-20002"), *kids[:2]))
    register(desk, household(another_person("M-30003"), *kids))
    register(desk, household(another_person("S-40004")))
    return desk


def test_a_rule_gets_a_new_version_each_time_it_is_saved(cash):
    first = eligibility_rule_save(
        actor=cash.officer, programme=cash.world.lima, name="Apoyo", definition=RULE
    )
    second = eligibility_rule_save(
        actor=cash.officer, programme=cash.world.lima, name="Apoyo", definition=RULE
    )
    assert (first.version, second.version) == (1, 2)
    assert first.definition["quotas"][0]["share"] == "1/2"


@pytest.mark.parametrize(
    ("definition", "loc"),
    [
        ({"conditions": [{"field": "income", "op": "gt", "value": 1}]}, "conditions"),
        ({"conditions": [{"field": "residence_status", "op": "gt", "value": 1}]}, "conditions"),
        ({"conditions": [{"field": "size", "op": "like", "value": 1}]}, "definition"),
        ({"conditions": [{"field": "in_selected_unit", "op": "is_true"}]}, "targeting_run"),
        ({"quotas": [{"field": "residence_status", "value": "host", "share": "2"}]}, "definition"),
        ({"scorecard": [{"field": "head_sex", "weight": "1"}]}, "scorecard"),
    ],
)
def test_a_bad_rule_is_refused_and_nothing_saved(cash, definition, loc):
    with pytest.raises(ValidationFailed) as error:
        eligibility_rule_save(
            actor=cash.officer, programme=cash.world.lima, name="Mala", definition=definition
        )
    assert any(loc in [str(p) for p in e.loc] for e in error.value.errors)
    assert not EligibilityRule.objects.exists()


def test_only_staff_of_the_whole_programme_make_rules_and_lists(cash):
    for actor in (cash.caseworker, cash.resident, cash.quito_caseworker):
        with pytest.raises(PermissionDenied):
            eligibility_rule_save(actor=actor, programme=cash.world.lima, name="x", definition=RULE)
    rule = eligibility_rule_save(
        actor=cash.officer, programme=cash.world.lima, name="x", definition=RULE
    )
    with pytest.raises(PermissionDenied):
        target_list_create(actor=cash.caseworker, rule=rule)
    assert not TargetList.objects.exists()


def test_the_frame_counts_members_by_age(cash):
    _keys, frame = household_frame(cash.world.lima, on=dt.date.today(), targeting_run_id=None)
    assert frame["size"].tolist() == [2, 3, 4, 1]
    assert frame["children"].tolist() == [1, 2, 3, 0]
    assert frame["residence_status"].tolist() == ["host", "migrant", "migrant", "migrant"]
    assert frame["head_nationality"].tolist() == ["VE"] * 4
    assert frame["vulnerability_single_caregiver"].all()


def test_a_target_list_says_why_each_household_is_in_or_out(cash):
    rule = eligibility_rule_save(
        actor=cash.officer, programme=cash.world.lima, name="Apoyo", definition=RULE
    )
    target = target_list_create(actor=cash.officer, rule=rule)
    assert (target.household_count, target.eligible_count, target.selected_count) == (4, 3, 2)
    assert target.fingerprint.startswith("sha256:")
    entries = {
        e.household.members.count(): e for e in TargetListEntry.objects.filter(target_list=target)
    }
    # The host is in for the quota although it scores least; the best migrant takes the rest.
    assert entries[2].selected
    assert entries[2].reason == "quota"
    assert entries[4].selected
    assert entries[4].reason == "rank"
    assert not entries[3].selected
    assert entries[3].reason == "over_maximum"
    assert entries[1].reason == "failed_condition"
    assert entries[1].value == 1

    def why(entry):
        with translation.override("en"):
            return explain_entry(
                reason=entry.reason,
                rank=entry.rank,
                failed_condition=entry.failed_condition,
                value=entry.value,
                quota=entry.quota,
                definition=rule.definition,
                eligible=target.eligible_count,
                seats=target.selected_count,
            )

    assert "condition 1" in why(entries[1])
    assert "1" in why(entries[1])
    assert "quota" in why(entries[2])
    assert "2 places" in why(entries[3])


def test_approval_needs_another_programme_manager_and_unchanged_households(cash):
    rule = eligibility_rule_save(
        actor=cash.manager, programme=cash.world.lima, name="Apoyo", definition=RULE
    )
    target = target_list_create(actor=cash.manager, rule=rule)
    with pytest.raises(Conflict) as error:
        target_list_approve(actor=cash.manager, target_list=target)
    assert error.value.code == "four_eyes"
    with pytest.raises(PermissionDenied):
        target_list_approve(actor=cash.officer, target_list=target)
    # A household withdrawn after the list was made: the list cannot be approved as it is.
    Household.objects.filter(
        pk=TargetListEntry.objects.filter(target_list=target).first().household_id
    ).update(status=Household.Status.WITHDRAWN)
    with pytest.raises(Conflict) as error:
        target_list_approve(actor=cash.other_manager, target_list=target)
    assert error.value.code == "inputs_changed"
    target.refresh_from_db()
    assert target.status == TargetList.Status.DRAFT
    again = target_list_create(actor=cash.manager, rule=rule)
    approved = target_list_approve(actor=cash.other_manager, target_list=again)
    assert approved.status == TargetList.Status.APPROVED
    assert approved.approved_by == cash.other_manager
    with pytest.raises(Conflict):
        target_list_approve(actor=cash.other_manager, target_list=again)
