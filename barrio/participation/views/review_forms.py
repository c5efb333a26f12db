"""Forms of the committee review and the assembly record pages (parsing only; the services
validate the rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models import (
    Assembly,
    CommitteeMember,
    ResidentCommittee,
    ResidentCommitteeMember,
    ReviewCriterion,
    Vote,
)
from barrio.participation.services import ScoreEntry

S = ProposalStatus


class DeclarationForm(forms.Form):
    conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this proposal?"),
        choices=[("no", _("No, I have none")), ("yes", _("Yes, I have one"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("What the conflict is"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only if you have one: for instance, you live next to the site."),
    )


class ScoreForm(forms.Form):
    """One score (a choice from 0 to the criterion's highest score) and one reason per
    criterion of the call's checklist."""

    def __init__(self, *args: Any, criteria: list[ReviewCriterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.code}"] = forms.TypedChoiceField(
                label=_("Score for “%(criterion)s” (0 to %(max)s)")
                % {"criterion": criterion.name, "max": criterion.scale_max},
                choices=[("", "—")] + [(str(v), str(v)) for v in range(criterion.scale_max + 1)],
                coerce=int,
                empty_value=None,
                required=False,
                help_text=criterion.description,
            )
            self.fields[f"reason_{criterion.code}"] = forms.CharField(
                label=_("Reason for “%(criterion)s”") % {"criterion": criterion.name},
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def entries(self) -> dict[str, ScoreEntry]:
        """The scores as the service takes them."""
        return {
            c.code: ScoreEntry(
                self.cleaned_data.get(f"score_{c.code}"),
                self.cleaned_data.get(f"reason_{c.code}") or "",
            )
            for c in self.criteria
        }

    def field_for(self, loc: tuple[str | int, ...]) -> str | None:
        """The form field a service error names (``("scores", code, "value")``)."""
        if len(loc) == 3 and loc[0] == "scores":
            return f"{'score' if loc[2] == 'value' else 'reason'}_{loc[1]}"
        return None


class CommitteeMemberForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Person"), coerce=int)
    affiliation = forms.ChoiceField(
        label=_("Affiliation"), choices=CommitteeMember.Affiliation.choices
    )
    organisation = forms.CharField(label=_("Organisation"), required=False, max_length=200)

    def __init__(self, *args: Any, candidates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = [(u.pk, u.get_full_name() or u.email or u.get_username()) for u in candidates]
        self.fields["user"].choices = people  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    member = forms.TypedChoiceField(label=_("Committee member"), coerce=int)

    def __init__(self, *args: Any, members: list[CommitteeMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.pk, str(m)) for m in members]  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[(s.value, s.label) for s in (S.ADMITTED, S.REJECTED, S.RETURNED)],
    )
    reason = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to reject or return; the group reads them."),
    )


class AssemblyForm(forms.Form):
    held_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    unit = forms.TypedChoiceField(label=_("Territorial unit"), coerce=int)
    proposals = forms.TypedMultipleChoiceField(
        label=_("Proposals on the agenda"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    quorum_min_attendees = forms.IntegerField(
        label=_("Quorum: minimum attendees"), min_value=0, initial=0
    )
    quorum_share_percent = forms.IntegerField(
        label=_("Quorum: minimum share of the base (%)"), min_value=0, max_value=100, initial=0
    )
    quorum_base = forms.IntegerField(
        label=_("Base of the share"),
        min_value=0,
        initial=0,
        help_text=_("The group's members or the unit's registered residents."),
    )
    voting = forms.ChoiceField(
        label=_("How votes are recorded"), choices=Assembly.Voting.choices, initial="tally"
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, units: list[Any], proposals: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]  # type: ignore[attr-defined]
        self.fields["proposals"].choices = [(p.pk, f"{p.title} · {p.unit.name}") for p in proposals]  # type: ignore[attr-defined]


class AttendanceForm(forms.Form):
    names = forms.CharField(
        label=_("Attendees, one full name per line"),
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off"}),
        max_length=50_000,
    )

    def lines(self) -> list[str]:
        """The names typed, one per non-empty line."""
        return [line for line in self.cleaned_data["names"].splitlines() if line.strip()]


class TallyForm(forms.Form):
    proposal = forms.IntegerField(widget=forms.HiddenInput)
    votes_for = forms.IntegerField(label=_("For"), min_value=0)
    votes_against = forms.IntegerField(label=_("Against"), min_value=0)
    abstentions = forms.IntegerField(label=_("Abstentions"), min_value=0)


class VoteForm(forms.Form):
    proposal = forms.IntegerField(widget=forms.HiddenInput)
    attendee = forms.TypedChoiceField(label=_("Attendee"), coerce=int)
    choice = forms.ChoiceField(label=_("Vote"), choices=Vote.Choice.choices)

    def __init__(self, *args: Any, attendees: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendee"].choices = [(a.pk, a.full_name) for a in attendees]  # type: ignore[attr-defined]


class CommitteeForm(forms.Form):
    proposal = forms.TypedChoiceField(label=_("Proposal"), coerce=int)
    kind = forms.ChoiceField(label=_("Committee"), choices=ResidentCommittee.Kind.choices)
    members = forms.CharField(
        label=_("Members, one per line: full name, office"),
        help_text=_(
            "Offices: president, secretary, treasurer or member. For instance: Rosa Pérez, "
            "president."
        ),
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off"}),
        max_length=20_000,
    )

    def __init__(self, *args: Any, proposals: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposal"].choices = [(p.pk, p.title) for p in proposals]  # type: ignore[attr-defined]

    def pairs(self) -> list[tuple[str, str]]:
        """``(name, role code)`` per line; the office may be written in words of any language
        offered or as its code."""
        words = {
            str(label).casefold(): value for value, label in ResidentCommitteeMember.Role.choices
        }
        words.update({value: value for value in ResidentCommitteeMember.Role.values})
        pairs = []
        for line in self.cleaned_data["members"].splitlines():
            if not line.strip():
                continue
            name, _comma, office = line.rpartition(",")
            if not _comma:
                name, office = line, "member"
            office = office.strip().rstrip(".").casefold()
            pairs.append((name.strip(), words.get(office, office)))
        return pairs
