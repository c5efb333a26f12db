"""Message templates and campaigns: placeholders checked when saved, sending per recipient
in each household's language, by a real task worker."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
from django.test import override_settings

from barrio.errors import PermissionDenied, ValidationFailed
from barrio.jobs.models import Job
from barrio.jobs.tests.worker import run_worker
from barrio.registry.models import Member, MessageRecipient, MessageTemplate
from barrio.registry.services.messages import (
    SendFailed,
    contact_preference_set,
    message_campaign_send,
    message_campaign_start,
    message_template_save,
)
from barrio.registry.tests.factories import another_person, build_desk, household, register

pytestmark = pytest.mark.django_db(transaction=True)

SENT: list[tuple[str, str, str]] = []


class RecordingSender:
    """A sender for the tests: keeps what it was asked to send, refuses one number."""

    def send(self, *, to: str, text: str, reference: str) -> None:
        if to.endswith("000"):
            raise SendFailed("rejected_by_operator")
        SENT.append((to, text, reference))


BODIES = {
    "es": "Hola {given_name}, su pago de {amount} está listo desde el {date}.",
    "en": "Hello {given_name}, your payment of {amount} is ready from {date}.",
    "pt": "",
}


def template(desk, **bodies):
    return message_template_save(
        actor=desk.manager, programme=desk.world.lima, name="Pago", bodies=bodies or BODIES
    )


def test_unknown_placeholder_or_bad_brace_is_refused_when_saved():
    desk = build_desk()
    for body in ("Hola {nombre}", "Hola {given_name", "Hola {0.__class__}", "Monto {amount!r}"):
        with pytest.raises(ValidationFailed) as error:
            template(desk, es=body)
        assert error.value.errors[0].loc == ("body", "body_es")
    with pytest.raises(ValidationFailed):
        template(desk, es="", en="Hello")  # Spanish is required
    with pytest.raises(PermissionDenied):
        message_template_save(
            actor=desk.resident, programme=desk.world.lima, name="x", bodies=BODIES
        )
    assert MessageTemplate.objects.count() == 0


def test_campaign_sends_in_each_households_language_with_a_status_per_recipient():
    desk = build_desk()
    spanish = register(desk)
    english = register(desk, household(another_person("X-11111111")))
    Member.objects.filter(pk=english.head_id).update(phone="")  # re-encrypted below
    head = Member.objects.get(pk=english.head_id)
    head.phone = "+51 911 111 111"
    head.save()
    contact_preference_set(actor=desk.caseworker, household=english, language="en")
    no_phone = register(desk, household(another_person("X-22222222")))
    head = Member.objects.get(pk=no_phone.head_id)
    head.phone = ""
    head.save()
    refused = register(desk, household(another_person("X-33333333")))
    head = Member.objects.get(pk=refused.head_id)
    head.phone = "+51 900 000 000"
    head.save()
    campaign = message_campaign_start(
        actor=desk.manager,
        template=template(desk),
        filters={},
        values={"amount": "S/ 200,00", "date": "01/12/2026"},
    )
    SENT.clear()
    counts = message_campaign_send(campaign=campaign, sender=RecordingSender())
    assert counts == {"queued": 0, "sent": 2, "failed": 2}
    texts = {reference: text for _to, text, reference in SENT}
    assert texts[str(spanish.pk)] == (
        "Hola Yusmary, su pago de S/ 200,00 está listo desde el 01/12/2026."
    )
    assert texts[str(english.pk)].startswith("Hello Carlos, your payment of S/ 200,00")
    status = dict(campaign.recipients.values_list("household_id", "status"))
    reasons = dict(campaign.recipients.values_list("household_id", "reason"))
    assert status[no_phone.pk] == "failed"
    assert reasons[no_phone.pk] == "no_phone"
    assert reasons[refused.pk] == "rejected_by_operator"
    spanish_row = campaign.recipients.get(household=spanish)
    assert spanish_row.segments == 1  # "á" makes it UCS-2: 66 characters fit one SMS
    # Sending again sends nothing twice.
    SENT.clear()
    message_campaign_send(campaign=campaign, sender=RecordingSender())
    assert SENT == []


def test_campaign_needs_its_values_and_matching_households():
    desk = build_desk()
    register(desk)
    tpl = template(desk)
    with pytest.raises(ValidationFailed) as error:
        message_campaign_start(actor=desk.manager, template=tpl, filters={}, values={})
    assert {e.loc[-1] for e in error.value.errors} == {"amount", "date"}
    with pytest.raises(ValidationFailed):
        message_campaign_start(
            actor=desk.manager,
            template=tpl,
            filters={"residence_status": "refugee"},
            values={"amount": "1", "date": "2"},
        )
    with pytest.raises(ValidationFailed):
        message_campaign_start(
            actor=desk.manager,
            template=tpl,
            filters={"unit_id": 999999},
            values={"amount": "1", "date": "2"},
        )
    with pytest.raises(PermissionDenied):
        message_campaign_start(
            actor=desk.resident, template=tpl, filters={}, values={"amount": "1", "date": "2"}
        )


def test_filters_by_unit_status_and_nationality():
    desk = build_desk()
    lima = register(desk)
    callao = register(
        desk,
        household(replace(another_person("X-99999999"), nationality="PE"), residence_status="host"),
        unit=desk.world.callao_district,
    )
    tpl = template(desk)
    values = {"amount": "1", "date": "2"}

    def households(filters):
        campaign = message_campaign_start(
            actor=desk.manager, template=tpl, filters=filters, values=values
        )
        return set(campaign.recipients.values_list("household_id", flat=True))

    assert households({}) == {lima.pk, callao.pk}
    assert households({"unit_id": desk.world.callao_district.pk}) == {callao.pk}
    assert households({"residence_status": "migrant"}) == {lima.pk}
    assert households({"nationality": "ve"}) == {lima.pk}


@pytest.mark.worker
def test_a_real_db_worker_sends_the_campaign_with_progress(caplog):
    desk = build_desk()
    register(desk)
    campaign = message_campaign_start(
        actor=desk.manager,
        template=template(desk),
        filters={},
        values={"amount": "S/ 200,00", "date": "01/12/2026"},
    )
    with caplog.at_level(logging.INFO, logger="barrio.messaging"):
        run_worker()
    job = Job.objects.get(pk=campaign.job_id)
    assert job.status == "succeeded", job.error
    assert job.done == job.total == 1
    assert job.result["sent"] == 1
    assert campaign.recipients.get().status == MessageRecipient.Status.SENT
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "Yusmary" not in logged
    assert "987 654 321" not in logged
    assert "…21" in logged


@override_settings(BARRIO_MESSAGE_SENDER="barrio.registry.tests.test_messages.RecordingSender")
def test_the_sender_is_named_by_a_setting():
    from barrio.registry.services.messages import message_sender

    assert isinstance(message_sender(), RecordingSender)
