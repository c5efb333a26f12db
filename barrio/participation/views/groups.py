"""Pages of community groups: register one, and the group's page with its proposals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from barrio.accounts.audit import Channel
from barrio.accounts.permissions import Action, scope
from barrio.accounts.selectors import programme_get_for_user
from barrio.errors import BarrioError
from barrio.participation import services
from barrio.participation.forms.proposals import GroupForm, PersonForm
from barrio.participation.permissions import may_speak_for_group
from barrio.participation.selectors.groups import group_get_for_user, group_members_for_user
from barrio.participation.selectors.proposals import proposal_list_for_group
from barrio.participation.specs import GroupSpec, MemberSpec
from barrio.participation.views.common import found, show_errors
from barrio.territories.selectors import unit_list


@login_required
def group_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Register a community group in a unit where the user represents residents."""
    programme = found(lambda: programme_get_for_user(user=request.user, slug=slug))
    where = scope(request.user, Action.PROPOSAL_SUBMIT, programme)
    if where.is_empty:
        raise DjangoPermissionDenied
    units = where.units or tuple(
        unit_list(within=programme.units.all()).filter(level="colonia")[:500]
    )
    form = GroupForm(request.POST or None, units=[(u.pk, f"{u.name} ({u.code})") for u in units])
    if request.method == "POST" and form.is_valid():
        unit_id = int(form.cleaned_data["unit"])
        names = [line for line in form.cleaned_data["members"].splitlines() if line.strip()]
        spec = GroupSpec(
            name=form.cleaned_data["name"],
            unit_id=unit_id,
            email=form.cleaned_data["email"],
            description=form.cleaned_data["description"],
            members=tuple(MemberSpec(name, unit_id) for name in names),
        )
        try:
            group = services.group_register(actor=request.user, programme=programme, spec=spec)
        except BarrioError as error:
            show_errors(form, error, {"unit_id": "unit"})
        else:
            messages.success(request, _("The group is registered."))
            return redirect("participation:group_detail", group.pk)
    return render(request, "participation/groups/new.html", {"programme": programme, "form": form})


def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    """A group: its unit, how many residents it has, its proposals; its members' names only
    to its representative and to staff who may read personal data (the read is recorded)."""
    group = found(lambda: group_get_for_user(user=request.user, group_id=group_id))
    speaks = may_speak_for_group(request.user, group)
    units = [
        (u.pk, f"{u.name} ({u.code})")
        for u in unit_list(within=group.programme.units.all()).filter(level=group.unit.level)[:2000]
    ]
    form = PersonForm(
        request.POST or None, units=units, with_document=False, initial={"unit": group.unit_id}
    )
    if request.method == "POST":
        if not speaks:
            raise DjangoPermissionDenied
        try:
            if request.POST.get("remove"):
                services.group_member_remove(
                    actor=request.user, group=group, member_id=int(request.POST["remove"])
                )
                return redirect("participation:group_detail", group.pk)
            if form.is_valid():
                services.group_member_add(
                    actor=request.user,
                    group=group,
                    member=MemberSpec(
                        form.cleaned_data["full_name"], int(form.cleaned_data["unit"])
                    ),
                )
                messages.success(request, _("The member is added."))
                return redirect("participation:group_detail", group.pk)
        except ValueError as error:
            raise Http404 from error
        except BarrioError as error:
            show_errors(form, error, {"unit_id": "unit"})
    return render(
        request,
        "participation/groups/detail.html",
        {
            "group": group,
            "programme": group.programme,
            "members": group_members_for_user(user=request.user, group=group, channel=Channel.PAGE),
            "proposals": proposal_list_for_group(user=request.user, group_id=group.pk),
            "speaks": speaks,
            "form": form,
        },
    )
