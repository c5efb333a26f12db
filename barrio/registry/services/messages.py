"""Messages to beneficiaries: templates checked when saved, campaigns sent by a task worker
through a pluggable sender, one status per recipient.

The sender is the one of :mod:`barrio.messaging` (setting ``BARRIO_MESSAGE_SENDER``; the
embedded default logs one line per message with the household's reference, the last two
digits of the phone and the number of segments — never the text or the whole number).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from barrio.accounts.permissions import Action, may, scope
from barrio.accounts.selectors import unit_in_programme
from barrio.core.messages import placeholders, render, sms_length, unknown_placeholders
from barrio.errors import (
    FieldError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from barrio.jobs.services import JobReporter, job_start

# The console sender was named here before it moved to barrio.messaging; settings that still
# name this path keep working.
from barrio.messaging import ConsoleSender as ConsoleSender
from barrio.messaging import Sender, SendFailed, message_sender
from barrio.registry.models import Household, Member
from barrio.registry.models.messages import (
    ContactPreference,
    MessageCampaign,
    MessageLanguage,
    MessageRecipient,
    MessageTemplate,
)
from barrio.territories.selectors import unit_within_q

if TYPE_CHECKING:
    from barrio.accounts.models import Programme

logger = logging.getLogger(__name__)

#: Placeholders filled from each household (its head) and from the programme.
HOUSEHOLD_PLACEHOLDERS = frozenset({"given_name", "family_name", "household", "programme"})
#: Placeholders the sender gives once for the whole campaign.
CAMPAIGN_PLACEHOLDERS = frozenset({"amount", "date", "place", "phone"})
ALLOWED_PLACEHOLDERS = HOUSEHOLD_PLACEHOLDERS | CAMPAIGN_PLACEHOLDERS
BODY_MAX = 1000


def _require(actor: User | AnonymousUser, programme: Programme) -> None:
    if not actor.is_authenticated:
        raise NotAuthenticated()
    if scope(actor, Action.MESSAGE_MANAGE, programme).is_empty:
        raise PermissionDenied()


def check_body(text: str, loc: tuple[str, ...], *, required: bool) -> list[FieldError]:
    """Check one language's text: present when required, braces well formed, placeholders
    known, not too long."""
    if not text.strip():
        return [FieldError(loc, _("Write the text in Spanish."))] if required else []
    if len(text) > BODY_MAX:
        return [FieldError(loc, _("Write at most %(count)s characters.") % {"count": BODY_MAX})]
    try:
        unknown = unknown_placeholders(text, ALLOWED_PLACEHOLDERS)
    except ValueError:
        return [FieldError(loc, _("A brace is not part of a placeholder such as {given_name}."))]
    if unknown:
        return [
            FieldError(
                loc,
                _("Unknown placeholder: %(names)s. Use only: %(allowed)s.")
                % {
                    "names": ", ".join(f"{{{name}}}" for name in unknown),
                    "allowed": ", ".join(f"{{{name}}}" for name in sorted(ALLOWED_PLACEHOLDERS)),
                },
            )
        ]
    return []


@transaction.atomic
def message_template_save(
    *,
    actor: User | AnonymousUser,
    programme: Programme,
    name: str,
    bodies: Mapping[str, str],
    template: MessageTemplate | None = None,
) -> MessageTemplate:
    """Create (or change) a template with its texts in es (required), en and pt.

    Each text may use only the placeholders of :data:`ALLOWED_PLACEHOLDERS`, written
    ``{name}``; any other brace is refused. Raises :class:`PermissionDenied` and
    :class:`ValidationFailed`; nothing is saved on failure.
    """
    _require(actor, programme)
    errors = []
    if not name.strip() or len(name) > 100:
        errors.append(FieldError(("body", "name"), _("Give the template a name.")))
    elif (
        MessageTemplate.objects.filter(programme=programme, name=name.strip())
        .exclude(pk=template.pk if template else 0)
        .exists()
    ):
        errors.append(FieldError(("body", "name"), _("Another template has this name.")))
    for language in MessageLanguage.values:
        errors += check_body(
            bodies.get(language, ""), ("body", f"body_{language}"), required=language == "es"
        )
    if errors:
        raise ValidationFailed(errors=errors)
    template = template or MessageTemplate(programme=programme)
    template.name = name.strip()
    for language in MessageLanguage.values:
        setattr(template, f"body_{language}", bodies.get(language, "").strip())
    if template.pk is None:
        template.created_by = actor if isinstance(actor, User) else None
    template.save()
    return template


def contact_preference_set(
    *, actor: User | AnonymousUser, household: Household, language: str
) -> ContactPreference:
    """Record the language a household prefers to be written in."""
    if not actor.is_authenticated:
        raise NotAuthenticated()
    if not may(
        actor, Action.PERSONAL_DATA_CHANGE, programme=household.programme, unit=household.unit
    ):
        raise PermissionDenied()
    if language not in MessageLanguage.values:
        raise ValidationFailed(
            errors=[FieldError(("body", "language"), _("Choose Spanish, English or Portuguese."))]
        )
    preference, _created = ContactPreference.objects.update_or_create(
        household=household, defaults={"language": language}
    )
    return preference


def campaign_households(
    *, actor: User | AnonymousUser, programme: Programme, filters: Mapping[str, Any]
) -> Any:
    """The active households of the actor's units that match ``filters`` (``unit_id``,
    ``residence_status``, ``nationality`` of the head; empty: all)."""
    own = scope(actor, Action.MESSAGE_MANAGE, programme)
    households = Household.objects.filter(
        programme=programme, status=Household.Status.ACTIVE
    ).filter(own.unit_q("unit"))
    if filters.get("unit_id"):
        unit = unit_in_programme(programme=programme, unit_id=int(filters["unit_id"]))
        if unit is not None:
            households = households.filter(unit_within_q([unit], field="unit"))
    if filters.get("residence_status"):
        households = households.filter(residence_status=filters["residence_status"])
    if filters.get("nationality"):
        households = households.filter(head__nationality=str(filters["nationality"]).upper())
    return households


@transaction.atomic
def message_campaign_start(
    *,
    actor: User | AnonymousUser,
    template: MessageTemplate,
    filters: Mapping[str, Any],
    values: Mapping[str, str],
) -> MessageCampaign:
    """Queue ``template`` for every household matching ``filters`` and start the task that
    sends it (a job with progress). ``values`` gives the campaign's placeholders (amount,
    date, place, phone) that the template uses.

    Raises :class:`PermissionDenied`, :class:`ValidationFailed` (a placeholder without its
    value, an unknown filter value, no household matches).
    """
    from barrio.registry.tasks import send_campaign  # the task module imports this one

    programme = template.programme
    _require(actor, programme)
    needed: set[str] = set()
    for language in MessageLanguage.values:
        needed |= set(placeholders(template.body(language))) & CAMPAIGN_PLACEHOLDERS
    errors = [
        FieldError(("body", "values", name), _("Give the value of this placeholder."))
        for name in sorted(needed)
        if not str(values.get(name, "")).strip()
    ]
    errors += [
        FieldError(("body", "values", name), _("This placeholder is not one of the campaign's."))
        for name in sorted(set(values) - CAMPAIGN_PLACEHOLDERS)
    ]
    if errors:
        raise ValidationFailed(errors=errors)
    try:
        households = list(
            campaign_households(actor=actor, programme=programme, filters=filters)
            .select_related("contact_preference")
            .values_list("pk", "contact_preference__language")
        )
    except NotFound as error:  # an unknown unit
        raise ValidationFailed(
            errors=[
                FieldError(
                    ("body", "filters", "unit_id"), _("No unit of the programme has this id.")
                )
            ]
        ) from error
    if not households:
        raise ValidationFailed(
            errors=[FieldError(("body", "filters"), _("No household matches these filters."))]
        )
    campaign = MessageCampaign.objects.create(
        programme=programme,
        template=template,
        filters={k: v for k, v in filters.items() if v not in ("", None)},
        values={k: str(v).strip() for k, v in values.items() if k in needed},
        created_by=actor if isinstance(actor, User) else None,
    )
    MessageRecipient.objects.bulk_create(
        [
            MessageRecipient(campaign=campaign, household_id=pk, language=language or "es")
            for pk, language in households
        ],
        batch_size=2000,
    )
    campaign.job = job_start(
        actor=actor,
        kind="registry.send_campaign",
        title=str(_("Sending of “%(name)s”") % {"name": template.name}),
        task=send_campaign,
        arguments={"campaign_id": campaign.pk},
    )
    campaign.save(update_fields=["job"])
    return campaign


def message_campaign_send(
    *, campaign: MessageCampaign, reporter: JobReporter | None = None, sender: Sender | None = None
) -> dict[str, int]:
    """Send the queued messages of ``campaign`` (the task worker's part) and return counts.

    Each household's head is written to in the household's language; the phone is
    decrypted and the text rendered in memory only. A household without a phone, a text
    that cannot be rendered or a sender's refusal marks that recipient failed with the
    reason; the others go on. Sending again sends only what is still queued.
    """
    sender = sender or message_sender()
    campaign = MessageCampaign.objects.select_related("template", "programme").get(pk=campaign.pk)
    MessageCampaign.objects.filter(pk=campaign.pk).update(status=MessageCampaign.Status.SENDING)
    queued = list(campaign.recipients.filter(status=MessageRecipient.Status.QUEUED).order_by("pk"))
    heads = {
        m.household_id: m
        for m in Member.objects.filter(
            household_id__in=[r.household_id for r in queued], relationship="head"
        )
    }
    total = len(queued)
    for done, recipient in enumerate(queued, start=1):
        head = heads.get(recipient.household_id)
        _send_one(campaign, recipient, head, sender)
        if reporter is not None and (done % 50 == 0 or done == total):
            reporter.progress(
                done,
                total,
                str(_("%(done)s of %(total)s messages.") % {"done": done, "total": total}),
            )
    MessageCampaign.objects.filter(pk=campaign.pk).update(
        status=MessageCampaign.Status.FINISHED, finished_at=timezone.now()
    )
    counts = dict.fromkeys(MessageRecipient.Status.values, 0)
    for status in campaign.recipients.values_list("status", flat=True):
        counts[status] += 1
    return counts


def _send_one(
    campaign: MessageCampaign,
    recipient: MessageRecipient,
    head: Member | None,
    sender: Sender,
) -> None:
    now = timezone.now()
    if head is None or not head.phone:
        recipient.status, recipient.reason = MessageRecipient.Status.FAILED, "no_phone"
        recipient.save(update_fields=["status", "reason"])
        return
    values = {
        "given_name": head.given_names.split()[0] if head.given_names else "",
        "family_name": head.family_name_1,
        "household": str(recipient.household_id),
        "programme": campaign.programme.name,
        **campaign.values,
    }
    try:
        text = render(campaign.template.body(recipient.language), values)
        sender.send(to=head.phone, text=text, reference=str(recipient.household_id))
    except ValueError:
        recipient.status, recipient.reason = MessageRecipient.Status.FAILED, "template"
    except SendFailed as failure:
        recipient.status, recipient.reason = MessageRecipient.Status.FAILED, failure.reason[:200]
    else:
        recipient.status, recipient.sent_at = MessageRecipient.Status.SENT, now
        recipient.segments = sms_length(text).segments
    recipient.save(update_fields=["status", "reason", "sent_at", "segments"])
