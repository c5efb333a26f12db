"""Pages of the orientation centre: the queue of cases, the desk's intake form, one case."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from barrio.accounts.audit import Channel, audit_personal_data_read
from barrio.accounts.permissions import Action, scope
from barrio.accounts.selectors import unit_list_for_user
from barrio.errors import BarrioError, NotFound, PermissionDenied
from barrio.registry import grievance_selectors as selectors
from barrio.registry.models import Grievance
from barrio.registry.models.grievances import GrievanceCategory
from barrio.registry.selectors import household_get_for_user
from barrio.registry.services import grievances as services
from barrio.registry.views.households import programme_or_404

SATISFACTION = [("", "—"), *((str(n), str(n)) for n in range(1, 6))]


class IntakeForm(forms.Form):
    """What the desk asks: who (a registered household or a person), what, how it came."""

    category = forms.ChoiceField(
        label=gettext_lazy("Category"), choices=[("", "—"), *GrievanceCategory.choices]
    )
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), choices=Grievance.Channel.choices)
    household = forms.IntegerField(
        label=gettext_lazy("Household number"),
        required=False,
        min_value=1,
        help_text=gettext_lazy("When the person is registered; leave empty otherwise."),
    )
    unit = forms.TypedChoiceField(
        label=gettext_lazy("Territorial unit"),
        coerce=int,
        required=False,
        help_text=gettext_lazy("Where the person lives, when not registered."),
    )
    contact_name = forms.CharField(
        label=gettext_lazy("Name of the person"), max_length=200, required=False
    )
    contact_phone = forms.CharField(label=gettext_lazy("Phone"), max_length=30, required=False)
    contact_email = forms.EmailField(label=gettext_lazy("E-mail"), max_length=200, required=False)
    description = forms.CharField(
        label=gettext_lazy("What the person says"),
        max_length=services.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—"), *units]  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(label=gettext_lazy("Assign to"), coerce=int)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=2000, required=False)

    def __init__(self, *args: Any, people: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [  # type: ignore[attr-defined]
            (p.pk, f"{p.get_full_name()} ({p.email})" if p.get_full_name() else p.email)
            for p in people
        ]


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("New status"),
        choices=[
            (code, label)
            for code, label in Grievance.Status.choices
            if code not in {Grievance.Status.NEW, Grievance.Status.ASSIGNED}
        ],
    )
    resolution = forms.CharField(
        label=gettext_lazy("Resolution"),
        max_length=services.DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What was done or answered; needed to resolve the case."),
    )
    satisfaction = forms.TypedChoiceField(
        label=gettext_lazy("Satisfaction of the person (1 to 5)"),
        choices=SATISFACTION,
        coerce=int,
        empty_value=None,
        required=False,
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=2000, required=False)


class QueueForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", "—"), *Grievance.Status.choices],
        required=False,
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        choices=[("", "—"), *GrievanceCategory.choices],
        required=False,
    )
    overdue = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)
    mine = forms.BooleanField(label=gettext_lazy("Assigned to me"), required=False)


def put_errors(form: forms.Form, error: BarrioError, aliases: dict[str, str] | None = None) -> None:
    """Show each problem a service found next to its field (or above the form); ``aliases``
    names the form's field for a service's field of another name."""
    if not error.errors:
        form.add_error(None, str(error.message))
    for problem in error.errors:
        field = str(problem.loc[-1]).removesuffix("_id")
        field = (aliases or {}).get(field, field)
        form.add_error(field if field in form.fields else None, str(problem.msg))


@login_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    """The cases the user may see, the most urgent first, with filters and counts."""
    programme = programme_or_404(request, slug)
    form = QueueForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.GrievanceFilters(
        status=data.get("status", ""),
        category=data.get("category", ""),
        overdue=bool(data.get("overdue")),
        mine=bool(data.get("mine")),
    )
    try:
        cases = selectors.grievance_list_for_user(
            user=request.user, programme=programme, filters=filters
        )
        counts = selectors.grievance_counts_for_user(user=request.user, programme=programme)
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    statuses = dict(Grievance.Status.choices)
    return render(
        request,
        "registry/grievances/queue.html",
        {
            "programme": programme,
            "form": form,
            "page": page,
            "counts": counts,
            "by_status": [(statuses[code], n) for code, n in counts.by_status.items()],
            "may_record": selectors.may_record(request.user, programme),
        },
    )


@login_required
def intake(request: HttpRequest, slug: str) -> HttpResponse:
    """The desk's form: record a case of a registered household or of any person."""
    programme = programme_or_404(request, slug)
    own = scope(request.user, Action.GRIEVANCE_RECORD, programme)
    if own.is_empty:
        raise DjangoPermissionDenied
    units = [
        (u.pk, f"{u.name} ({u.level})")
        for u in unit_list_for_user(user=request.user, programme=programme)
        if own.covers(u)
    ]
    form = IntakeForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = None
        try:
            if data["household"]:
                household = household_get_for_user(
                    user=request.user, household_id=data["household"]
                )
            unit = next(
                (
                    u
                    for u in unit_list_for_user(user=request.user, programme=programme)
                    if u.pk == data["unit"]
                ),
                None,
            )
            case = services.grievance_record(
                actor=request.user,
                programme=programme,
                unit=unit,
                household=household,
                category=data["category"],
                channel=data["channel"],
                description=data["description"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                contact_email=data["contact_email"],
            )
        except NotFound:
            form.add_error("household", _("No household you may see has this number."))
        except PermissionDenied as error:
            raise DjangoPermissionDenied from error
        except BarrioError as error:
            put_errors(form, error)
        else:
            messages.success(
                request,
                _("%(case)s is recorded; it is due on %(due)s.")
                % {"case": case, "due": case.due_at.strftime("%Y-%m-%d %H:%M")},
            )
            if selectors.may_see(request.user, case):
                return redirect("registry:grievance", case.pk)
            messages.info(
                request,
                _(
                    "This case is sensitive: only the protection focal point and the programme "
                    "manager see it from now on."
                ),
            )
            return redirect("registry:grievances", programme.slug)
    return render(
        request, "registry/grievances/intake.html", {"programme": programme, "form": form}
    )


@login_required
def detail(request: HttpRequest, grievance_id: int) -> HttpResponse:
    """One case: its facts, history and referrals; personal values shown on request
    (audited); assignment and status changes for those who handle it."""
    try:
        case = selectors.grievance_get_for_user(user=request.user, grievance_id=grievance_id)
    except NotFound as error:
        raise Http404 from error
    action = request.POST.get("action", "") if request.method == "POST" else ""
    may_handle = services.may_handle(request.user, case)
    may_unmask = selectors.may_see_contact(request.user, case)
    people = selectors.grievance_assignees(case) if may_handle else []
    assign_form = AssignForm(request.POST if action == "assign" else None, people=people)
    status_form = StatusForm(request.POST if action == "status" else None)
    unmasked = False
    if action == "show":
        if not may_unmask:
            raise DjangoPermissionDenied
        audit_personal_data_read(
            actor=request.user,
            objects=[case],
            channel=Channel.PAGE,
            programme=case.programme,
            reason="grievance",
        )
        unmasked = True
    elif action in {"assign", "status"}:
        if not may_handle:
            raise DjangoPermissionDenied
        form = assign_form if action == "assign" else status_form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "assign":
                    assignee = next(p for p in people if p.pk == data["assignee"])
                    services.grievance_assign(
                        actor=request.user, grievance=case, assignee=assignee, note=data["note"]
                    )
                else:
                    services.grievance_change_status(
                        actor=request.user,
                        grievance=case,
                        status=data["status"],
                        note=data["note"],
                        resolution=data["resolution"],
                        satisfaction=data["satisfaction"],
                    )
            except PermissionDenied as error:
                raise DjangoPermissionDenied from error
            except BarrioError as error:
                put_errors(form, error)
            else:
                messages.success(request, _("The case is updated."))
                return redirect("registry:grievance", case.pk)
    referrals = selectors.referral_list_for_user(
        user=request.user, programme=case.programme, grievance=case
    )
    return render(
        request,
        "registry/grievances/detail.html",
        {
            "programme": case.programme,
            "case": case,
            "events": case.events.all(),
            "unmasked": unmasked,
            "may_unmask": may_unmask,
            "may_handle": may_handle,
            "assign_form": assign_form,
            "status_form": status_form,
            "referrals": referrals,
            "refer_url": (
                reverse("registry:referral_new", args=[case.programme.slug]) + f"?case={case.pk}"
                if selectors.may_refer(request.user, case.programme, case.unit)
                else ""
            ),
        },
    )
