"""Pages of data-change requests: ask for a household's correction, the queue, decide one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from barrio.accounts.audit import Channel, audit_personal_data_read
from barrio.accounts.permissions import Action, may
from barrio.errors import BarrioError, NotFound, PermissionDenied
from barrio.registry import grievance_selectors as selectors
from barrio.registry.models import DataChangeRequest
from barrio.registry.services.data_changes import data_change_decide, data_change_request
from barrio.registry.views.grievances import put_errors
from barrio.registry.views.households import household_or_404, programme_or_404


class RequestForm(forms.Form):
    field = forms.ChoiceField(
        label=gettext_lazy("What to correct"), choices=DataChangeRequest.Field.choices
    )
    target = forms.ChoiceField(
        label=gettext_lazy("Person or document"),
        required=False,
        help_text=gettext_lazy("Not needed to correct the address."),
    )
    new_value = forms.CharField(
        label=gettext_lazy("New value"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Dates as YYYY-MM-DD."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    grievance = forms.IntegerField(
        label=gettext_lazy("Case number"),
        required=False,
        min_value=1,
        help_text=gettext_lazy("When the correction comes from a case."),
    )

    def __init__(self, *args: Any, targets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", "—"), *targets]  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("approve", gettext_lazy("Approve and apply")),
            ("reject", gettext_lazy("Reject")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=2000,
        required=False,
        help_text=gettext_lazy("Needed to reject."),
    )


@login_required
def request_new(request: HttpRequest, household_id: int) -> HttpResponse:
    """Ask to correct one value of a household (masked: persons are named by their place)."""
    household = household_or_404(request, household_id)
    if not may(
        request.user,
        Action.DATA_CHANGE_REQUEST,
        programme=household.programme,
        unit=household.unit,
    ):
        raise DjangoPermissionDenied
    members = list(household.members.all())
    targets: list[tuple[str, str]] = []
    for number, member in enumerate(members, start=1):
        person = _("Person %(number)s (%(relationship)s)") % {
            "number": number,
            "relationship": member.get_relationship_display(),
        }
        targets.append((f"m{member.pk}", person))
        for document in member.documents.all():
            label = _("%(person)s: %(document)s") % {
                "person": person,
                "document": document.get_type_display(),
            }
            targets.append((f"d{document.pk}", label))
    form = RequestForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = data["target"]
        member = next((m for m in members if f"m{m.pk}" == target), None)
        document = next(
            (d for m in members for d in m.documents.all() if f"d{d.pk}" == target), None
        )
        try:
            case = None
            if data["grievance"]:
                case = selectors.grievance_get_for_user(
                    user=request.user, grievance_id=data["grievance"]
                )
            change = data_change_request(
                actor=request.user,
                household=household,
                field=data["field"],
                new_value=data["new_value"],
                reason=data["reason"],
                member=member,
                document=document,
                grievance=case,
            )
        except NotFound:
            form.add_error("grievance", _("No case you may see has this number."))
        except PermissionDenied as error:
            raise DjangoPermissionDenied from error
        except BarrioError as error:
            put_errors(form, error, aliases={"member": "target", "document": "target"})
        else:
            messages.success(request, _("The correction is asked; a second person will decide it."))
            return redirect("registry:data_change", change.pk)
    return render(
        request,
        "registry/grievances/data_change_new.html",
        {"programme": household.programme, "household": household, "form": form},
    )


@login_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    """The data-change requests of the user's units, waiting ones first by default."""
    programme = programme_or_404(request, slug)
    status = request.GET.get("status", DataChangeRequest.Status.PENDING)
    if status not in DataChangeRequest.Status.values:
        status = ""
    try:
        requests = selectors.data_change_list_for_user(
            user=request.user, programme=programme, status=status
        )
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    page = Paginator(requests, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/grievances/data_change_queue.html",
        {
            "programme": programme,
            "page": page,
            "status": status,
            "statuses": DataChangeRequest.Status.choices,
        },
    )


@login_required
def detail(request: HttpRequest, request_id: int) -> HttpResponse:
    """One request: values masked until shown (audited); approve or reject it."""
    try:
        change = selectors.data_change_get_for_user(user=request.user, request_id=request_id)
    except NotFound as error:
        raise Http404 from error
    household = change.household
    may_decide = (
        may(
            request.user,
            Action.DATA_CHANGE_DECIDE,
            programme=change.programme,
            unit=household.unit,
        )
        and change.requested_by_id != request.user.pk
        and change.status == DataChangeRequest.Status.PENDING
    )
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = DecisionForm(request.POST if action == "decide" else None)
    unmasked = False
    if action == "show":
        audit_personal_data_read(
            actor=request.user,
            objects=[change],
            channel=Channel.PAGE,
            programme=change.programme,
            reason="data_change",
        )
        unmasked = True
    elif action == "decide":
        if not may_decide:
            raise DjangoPermissionDenied
        if form.is_valid():
            try:
                data_change_decide(
                    actor=request.user,
                    request=change,
                    approve=form.cleaned_data["decision"] == "approve",
                    note=form.cleaned_data["note"],
                )
            except PermissionDenied as error:
                raise DjangoPermissionDenied from error
            except BarrioError as error:
                put_errors(form, error)
            else:
                messages.success(request, _("The decision is recorded."))
                return redirect("registry:data_change", change.pk)
    return render(
        request,
        "registry/grievances/data_change.html",
        {
            "programme": change.programme,
            "change": change,
            "unmasked": unmasked,
            "may_decide": may_decide,
            "form": form,
        },
    )
