"""API of messages to beneficiaries: templates (placeholders checked, SMS length given) and
sendings to a list of households as a background job, with a status per recipient."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status

from barrio.accounts.selectors import programme_get_for_user
from barrio.core.messages import sms_length
from barrio.errors import FieldError, ValidationFailed
from barrio.registry import grievance_selectors as selectors
from barrio.registry.services import messages as services

router = Router()


class LengthOut(Schema):
    language: str
    encoding: str
    units: int
    segments: int
    per_segment: int


class TemplateIn(Schema):
    name: str = Field(..., max_length=100)
    body_es: str = Field(..., max_length=1000)
    body_en: str = Field("", max_length=1000)
    body_pt: str = Field("", max_length=1000)


class TemplateOut(Schema):
    id: int
    name: str
    body_es: str
    body_en: str
    body_pt: str
    lengths: list[LengthOut]


class CampaignIn(Schema):
    template_id: int
    unit_id: int | None = None
    residence_status: str = Field("", max_length=20)
    nationality: str = Field("", max_length=2)
    values: dict[str, str] = Field(default_factory=dict)


class RecipientOut(Schema):
    household_id: int
    language: str
    status: str
    reason: str
    segments: int
    sent_at: dt.datetime | None


class CampaignOut(Schema):
    id: int
    template_id: int
    status: str
    job_id: str | None
    total: int
    sent: int
    failed: int
    recipients: list[RecipientOut]


def template_out(template: Any) -> TemplateOut:
    lengths = []
    for language in ("es", "en", "pt"):
        text = getattr(template, f"body_{language}")
        if text:
            length = sms_length(text)
            lengths.append(LengthOut(language=language, **length.__dict__))
    return TemplateOut(
        id=template.pk,
        name=template.name,
        body_es=template.body_es,
        body_en=template.body_en,
        body_pt=template.body_pt,
        lengths=lengths,
    )


def campaign_out(campaign: Any) -> CampaignOut:
    return CampaignOut(
        id=campaign.pk,
        template_id=campaign.template_id,
        status=campaign.status,
        job_id=str(campaign.job_id) if campaign.job_id else None,
        total=campaign.total,
        sent=campaign.sent,
        failed=campaign.failed,
        recipients=[
            RecipientOut(
                household_id=r.household_id,
                language=r.language,
                status=r.status,
                reason=r.reason,
                segments=r.segments,
                sent_at=r.sent_at,
            )
            for r in campaign.recipients.order_by("pk")[:5000]
        ],
    )


@router.get(
    "/programmes/{slug}/message-templates",
    response=list[TemplateOut],
    summary="List message templates",
)
def message_template_list(request: HttpRequest, slug: str) -> list[TemplateOut]:
    """The programme's templates with each language's SMS length."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    return [
        template_out(t)
        for t in selectors.message_templates_for_user(user=request.user, programme=programme)
    ]


@router.post(
    "/programmes/{slug}/message-templates",
    response={201: TemplateOut},
    summary="Write a message template",
)
def message_template_create(request: HttpRequest, slug: str, body: TemplateIn) -> Any:
    """A template in es (required), en and pt; only the allowed ``{placeholders}``."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    template = services.message_template_save(
        actor=request.user,
        programme=programme,
        name=body.name,
        bodies={"es": body.body_es, "en": body.body_en, "pt": body.body_pt},
    )
    return Status(201, template_out(template))


@router.post(
    "/programmes/{slug}/message-sendings",
    response={201: CampaignOut},
    summary="Send a template to households",
)
def message_campaign_create(request: HttpRequest, slug: str, body: CampaignIn) -> Any:
    """Queue the template for the active households matching the filters (unit, residence
    status, head's nationality; none: all of the caller's units); a task worker sends it."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    template = selectors.message_templates_for_user(user=request.user, programme=programme)
    found = template.filter(pk=body.template_id).first()
    if found is None:
        raise ValidationFailed(
            errors=[
                FieldError(("body", "template_id"), _("No template of the programme has this id."))
            ]
        )
    campaign = services.message_campaign_start(
        actor=request.user,
        template=found,
        filters={
            "unit_id": body.unit_id,
            "residence_status": body.residence_status,
            "nationality": body.nationality,
        },
        values=body.values,
    )
    campaign = selectors.message_campaign_get_for_user(user=request.user, campaign_id=campaign.pk)
    return Status(201, campaign_out(campaign))


@router.get("/message-sendings/{campaign_id}", response=CampaignOut, summary="Get a sending")
def message_campaign_detail(request: HttpRequest, campaign_id: int) -> CampaignOut:
    """A sending's counts and each recipient's status (no phone, no text)."""
    return campaign_out(
        selectors.message_campaign_get_for_user(user=request.user, campaign_id=campaign_id)
    )
