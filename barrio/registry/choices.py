"""The closed lists of the registry: residence status, relationships, documents, consent…

Their values are the codes written in import files and sent to the API; their labels are
what people read.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResidenceStatus(models.TextChoices):
    """Why the household lives where it does (the programme serves all of them)."""

    HOST = "host", _("Host community")
    MIGRANT = "migrant", _("Migrant")
    REFUGEE = "refugee", _("Refugee")
    ASYLUM_SEEKER = "asylum_seeker", _("Asylum seeker")
    RETURNEE = "returnee", _("Returnee")


class Vulnerability(models.TextChoices):
    """Criteria of vulnerability a household may meet (several at once)."""

    SINGLE_CAREGIVER = "single_caregiver", _("Single caregiver with children")
    DISABILITY = "disability", _("Person with a disability")
    CHRONIC_ILLNESS = "chronic_illness", _("Chronic or serious illness")
    OLDER_PERSON_ALONE = "older_person_alone", _("Older person living alone")
    PREGNANT_OR_LACTATING = "pregnant_or_lactating", _("Pregnant or breastfeeding woman")
    UNACCOMPANIED_CHILD = "unaccompanied_child", _("Unaccompanied or separated child")
    VIOLENCE_SURVIVOR = "violence_survivor", _("Survivor of violence")
    NO_INCOME = "no_income", _("No regular income")
    EVICTION_RISK = "eviction_risk", _("At risk of eviction or homeless")
    IRREGULAR_STATUS = "irregular_status", _("Without a regular migration status")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not stated")


class Relationship(models.TextChoices):
    """How a member is related to the head of the household."""

    HEAD = "head", _("Head of household")
    PARTNER = "partner", _("Spouse or partner")
    CHILD = "child", _("Son or daughter")
    PARENT = "parent", _("Father or mother")
    SIBLING = "sibling", _("Brother or sister")
    GRANDCHILD = "grandchild", _("Grandchild")
    GRANDPARENT = "grandparent", _("Grandparent")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    NOT_RELATED = "not_related", _("Not related")


class DocumentType(models.TextChoices):
    """Identity documents seen at the desks of Lima, Quito and Cúcuta."""

    VE_PASSPORT = "ve_passport", _("Venezuelan passport")
    VE_CEDULA = "ve_cedula", _("Venezuelan identity card (cédula)")
    PE_DNI = "pe_dni", _("Peruvian national identity document (DNI)")
    PE_CE = "pe_ce", _("Peruvian foreigner's card (CE)")
    PE_CPP = "pe_cpp", _("Peruvian temporary stay permit card (CPP)")
    PE_PTP = "pe_ptp", _("Peruvian temporary stay permit (PTP)")
    CO_CC = "co_cc", _("Colombian citizenship card (CC)")
    CO_CE = "co_ce", _("Colombian foreigner's card (CE)")
    CO_PEP = "co_pep", _("Colombian special stay permit (PEP)")
    CO_PPT = "co_ppt", _("Colombian temporary protection permit (PPT)")
    EC_CEDULA = "ec_cedula", _("Ecuadorian identity card (cédula)")
    PASSPORT = "passport", _("Passport of another country")
    NATIONAL_ID = "national_id", _("Identity card of another country")
    REFUGEE_CARD = "refugee_card", _("Refugee or asylum seeker card")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    OTHER = "other", _("Other document")


#: The country that issues each country-specific document; the others need one given.
DOCUMENT_COUNTRY = {
    DocumentType.VE_PASSPORT: "VE",
    DocumentType.VE_CEDULA: "VE",
    DocumentType.PE_DNI: "PE",
    DocumentType.PE_CE: "PE",
    DocumentType.PE_CPP: "PE",
    DocumentType.PE_PTP: "PE",
    DocumentType.CO_CC: "CO",
    DocumentType.CO_CE: "CO",
    DocumentType.CO_PEP: "CO",
    DocumentType.CO_PPT: "CO",
    DocumentType.EC_CEDULA: "EC",
}


class ConsentPurpose(models.TextChoices):
    """What a person agreed their data may be used for."""

    REGISTRATION = "registration", _("Registration and assessment")
    CASH_ASSISTANCE = "cash_assistance", _("Cash assistance and its payments")
    MESSAGES = "messages", _("Messages by phone")
    REFERRALS = "referrals", _("Referrals to partner organisations")
    DATA_SHARING = "data_sharing", _("Sharing with partner organisations")


#: Names of countries the desks meet most; any other ISO code is shown as it is.
COUNTRY_NAMES = {
    "AR": _("Argentina"),
    "BO": _("Bolivia"),
    "BR": _("Brazil"),
    "CL": _("Chile"),
    "CO": _("Colombia"),
    "CU": _("Cuba"),
    "EC": _("Ecuador"),
    "HT": _("Haiti"),
    "MX": _("Mexico"),
    "PE": _("Peru"),
    "VE": _("Venezuela"),
}


def country_name(code: str) -> str:
    """Return the name of a country by its ISO code (the code itself when not listed)."""
    return str(COUNTRY_NAMES.get(code, code))
