"""Forms of the registry: the orientation desk's registration, searches, imports, decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from barrio.errors import FieldError
from barrio.registry.choices import (
    COUNTRY_NAMES,
    ConsentPurpose,
    DocumentType,
    Relationship,
    ResidenceStatus,
    Sex,
    Vulnerability,
)
from barrio.registry.records import (
    ConsentRecord,
    DocumentRecord,
    HouseholdRecord,
    MemberRecord,
)

COUNTRIES = sorted(((code, name) for code, name in COUNTRY_NAMES.items()), key=lambda c: str(c[1]))
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class HouseholdForm(forms.Form):
    """Where the household lives, why, since when, its vulnerability and its consent."""

    unit = forms.TypedChoiceField(label=_("Territorial unit"), coerce=int)
    residence_status = forms.ChoiceField(
        label=_("Residence status"), choices=[("", "—"), *ResidenceStatus.choices]
    )
    arrival_date = forms.DateField(
        label=_("Date of arrival in the country"), required=False, widget=DATE
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    vulnerability = forms.MultipleChoiceField(
        label=_("Vulnerability criteria"),
        choices=Vulnerability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent = forms.BooleanField(
        label=_("The household agreed to be registered and assessed."),
        error_messages={"required": _("Registration needs the household's consent.")},
    )
    other_consents = forms.MultipleChoiceField(
        label=_("The household also agreed to"),
        choices=[c for c in ConsentPurpose.choices if c[0] != ConsentPurpose.REGISTRATION],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—"), *units]  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    """One person of the household, with one identity document."""

    given_names = forms.CharField(
        label=_("Given names"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    family_name_1 = forms.CharField(
        label=_("First family name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    family_name_2 = forms.CharField(
        label=_("Second family name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices])
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DATE)
    nationality = forms.ChoiceField(label=_("Nationality"), choices=[("", "—"), *COUNTRIES])
    relationship = forms.ChoiceField(
        label=_("Relationship to the head"), choices=[("", "—"), *Relationship.choices]
    )
    disability = forms.BooleanField(label=_("Has a disability"), required=False)
    pregnancy = forms.BooleanField(label=_("Is pregnant"), required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"}),
    )
    document_type = forms.ChoiceField(
        label=_("Identity document"),
        choices=[("", _("None")), *DocumentType.choices],
        required=False,
    )
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    document_country = forms.ChoiceField(
        label=_("Issuing country"),
        choices=[("", _("Implied by the document")), *COUNTRIES],
        required=False,
    )
    collector = forms.ChoiceField(
        label=_("Collects the payments"),
        choices=[
            ("", _("No")),
            ("primary", _("Primary collector")),
            ("alternate", _("Alternate collector")),
        ],
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("document_type") and not data.get("document_number"):
            self.add_error("document_number", _("Give the number of the document."))
        if data.get("document_number") and not data.get("document_type"):
            self.add_error("document_type", _("Choose the type of the document."))
        return data

    def record(self) -> MemberRecord:
        """The person as a record (call after validation)."""
        data = self.cleaned_data
        documents: tuple[DocumentRecord, ...] = ()
        if data.get("document_type"):
            documents = (
                DocumentRecord(
                    data["document_type"],
                    data["document_number"],
                    data.get("document_country", ""),
                ),
            )
        return MemberRecord(
            given_names=data["given_names"],
            family_name_1=data["family_name_1"],
            family_name_2=data.get("family_name_2", ""),
            sex=data["sex"],
            nationality=data["nationality"],
            relationship=data["relationship"],
            birth_date=data.get("birth_date"),
            disability=bool(data.get("disability")),
            pregnancy=bool(data.get("pregnancy")),
            phone=data.get("phone", ""),
            documents=documents,
        )


class BaseMemberFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        for role in ("primary", "alternate"):
            chosen = [f for f in self.forms if f.cleaned_data.get("collector") == role]
            for extra in chosen[1:]:
                extra.add_error("collector", _("Only one person has this role."))


MemberFormSet = forms.formset_factory(
    MemberForm, formset=BaseMemberFormSet, extra=0, min_num=1, validate_min=True, max_num=30
)


def registration_record(household: HouseholdForm, members: Any, today: dt.date) -> HouseholdRecord:
    """Build the household record from valid forms; consent is dated today by the desk."""
    data = household.cleaned_data
    records = tuple(form.record() for form in members.forms)
    roles = {form.cleaned_data.get("collector"): i for i, form in enumerate(members.forms)}
    consents = tuple(
        ConsentRecord(purpose, today)
        for purpose in [ConsentPurpose.REGISTRATION, *data.get("other_consents", [])]
    )
    return HouseholdRecord(
        residence_status=data["residence_status"],
        members=records,
        address=data.get("address", ""),
        arrival_date=data.get("arrival_date"),
        vulnerability=tuple(data.get("vulnerability", [])),
        consents=consents,
        primary_collector=roles.get("primary"),
        alternate_collector=roles.get("alternate"),
    )


def show_service_errors(
    errors: tuple[FieldError, ...], household: HouseholdForm, members: Any
) -> None:
    """Put each problem a service found next to the field it concerns."""
    for error in errors:
        loc = list(error.loc[1:])  # drop "body"
        if len(loc) >= 3 and loc[0] == "members" and isinstance(loc[1], int):
            form = members.forms[loc[1]] if loc[1] < len(members.forms) else None
            field = str(loc[-1])
            if form is not None:
                form.add_error(field if field in form.fields else None, str(error.msg))
                continue
        field = str(loc[0]) if loc else ""
        household.add_error(field if field in household.fields else None, str(error.msg))


class SearchForm(forms.Form):
    """Find a household by a document number or by words of a name."""

    document = forms.CharField(label=_("Document number"), max_length=40, required=False)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
