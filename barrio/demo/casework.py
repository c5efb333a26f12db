"""The Lima demo's orientation centre: a few cases (one sensitive, one overdue), a correction
waiting for a second person, referrals, and a message template with one sending.

Everything goes through the registry's services, with the demo's caseworkers as actors;
people are the synthetic households of :mod:`barrio.demo.households`, and the one person who
is not registered is invented here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from barrio.accounts.selectors import organisation_list_for_programme
from barrio.messaging import ConsoleSender
from barrio.registry.selectors import household_list_for_user
from barrio.registry.services.data_changes import data_change_request
from barrio.registry.services.grievances import (
    grievance_assign,
    grievance_change_status,
    grievance_record,
)
from barrio.registry.services.messages import (
    message_campaign_send,
    message_campaign_start,
    message_template_save,
)
from barrio.registry.services.referrals import referral_make, referral_update

TEMPLATE = {
    "es": "Hola {given_name}: su pago de {amount} está disponible desde el {date} en {place}.",
    "en": "Hello {given_name}: your payment of {amount} is available from {date} at {place}.",
    "pt": "Olá {given_name}: seu pagamento de {amount} está disponível desde {date} em {place}.",
}


def load_casework(programme: Any, users: dict[str, Any]) -> dict[str, int]:
    """Record the demo's cases, correction, referrals and sending; return how many of each."""
    caseworker = users["caso.lima@barrio.demo"]
    focal = users["proteccion.lima@barrio.demo"]
    manager = users["gestora.lima@barrio.demo"]
    households = list(
        household_list_for_user(user=caseworker, programme=programme)
        .filter(status="active")
        .order_by("pk")[:6]
    )
    first, second, third = households[0], households[1], households[2]
    payment = grievance_record(
        actor=caseworker,
        programme=programme,
        unit=None,
        household=first,
        category="payment",
        channel="orientation_centre",
        description="Dice que el pago de octubre no llegó a su billetera móvil.",
    )
    grievance_assign(actor=caseworker, grievance=payment, assignee=caseworker)
    grievance_change_status(actor=caseworker, grievance=payment, status="in_progress")
    question = grievance_record(
        actor=caseworker,
        programme=programme,
        unit=first.unit,
        category="information",
        channel="phone",
        description="Pregunta qué documentos necesita para registrarse.",
        contact_name="Persona de ejemplo (no registrada)",
        contact_phone="+51 900 000 123",
    )
    grievance_assign(actor=caseworker, grievance=question, assignee=caseworker)
    grievance_change_status(actor=caseworker, grievance=question, status="in_progress")
    grievance_change_status(
        actor=caseworker,
        grievance=question,
        status="resolved",
        resolution="Se le explicó por teléfono y se le dio cita en el centro de orientación.",
        satisfaction=5,
    )
    grievance_record(
        actor=caseworker,
        programme=programme,
        unit=None,
        household=second,
        category="service",
        channel="desk",
        description="Esperó tres horas en la mesa de registro.",
        opened_at=timezone.now() - dt.timedelta(days=20),  # overdue: 15 days to answer
    )
    protection = grievance_record(
        actor=caseworker,
        programme=programme,
        unit=None,
        household=third,
        category="protection",
        channel="desk",
        description="Relata amenazas del arrendador; pide orientación.",
    )
    grievance_assign(actor=focal, grievance=protection, assignee=focal)
    head = next(m for m in first.members.all() if m.pk == first.head_id)
    data_change_request(
        actor=caseworker,
        household=first,
        field="phone",
        member=head,
        new_value="+51 955 123 456",
        reason="Cambió de número; lo confirma en el centro de orientación.",
        grievance=payment,
    )
    partners = {o.name.split()[0]: o for o in organisation_list_for_programme(programme)}
    health = referral_make(
        actor=caseworker,
        programme=programme,
        organisation=partners["Clínica"],
        service="health",
        household=second,
    )
    referral_update(actor=caseworker, referral=health, status="accepted")
    referral_make(
        actor=focal,
        programme=programme,
        organisation=partners["Consultorio"],
        service="legal",
        grievance=protection,
    )
    template = message_template_save(
        actor=manager, programme=programme, name="Pago disponible", bodies=TEMPLATE
    )
    campaign = message_campaign_start(
        actor=manager,
        template=template,
        filters={"unit_id": first.unit_id},
        values={"amount": "S/ 350,00", "date": "01/12/2026", "place": "su billetera móvil"},
    )
    message_campaign_send(campaign=campaign, sender=ConsoleSender())
    return {"cases": 4, "corrections": 1, "referrals": 2, "sendings": 1}
