"""Pages of probable duplicates: the queue, and one pair side by side to decide."""

from __future__ import annotations

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
from barrio.errors import BarrioError, NotFound, PermissionDenied
from barrio.registry import selectors, services
from barrio.registry.models import AdjudicationTask
from barrio.registry.views.households import programme_or_404


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=AdjudicationTask.Decision.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@login_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    """The open probable duplicates of the caseworker's units, most probable first."""
    programme = programme_or_404(request, slug)
    try:
        tasks = selectors.adjudication_queue_for_user(user=request.user, programme=programme)
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    return render(
        request, "registry/adjudication_queue.html", {"programme": programme, "page": page}
    )


@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    """Two records side by side (masked until shown, and showing is audited); decide."""
    try:
        task = selectors.adjudication_task_get_for_user(user=request.user, task_id=task_id)
    except NotFound as error:
        raise Http404 from error
    members = [task.member_low, task.member_high]
    unmasked = False
    form = DecisionForm(request.POST if request.POST.get("action") == "decide" else None)
    if request.method == "POST" and request.POST.get("action") == "show":
        if not all(selectors.may_unmask(request.user, m.household) for m in members):
            raise DjangoPermissionDenied
        audit_personal_data_read(
            actor=request.user,
            objects=[*members, *(d for m in members for d in m.documents.all())],
            channel=Channel.PAGE,
            programme=task.programme,
            reason="adjudication",
        )
        unmasked = True
    elif request.method == "POST" and form.is_valid():
        try:
            services.adjudication_decide(
                actor=request.user,
                task=task,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied as error:
            raise DjangoPermissionDenied from error
        except BarrioError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("registry:adjudication", slug=task.programme.slug)
    return render(
        request,
        "registry/adjudication_task.html",
        {
            "programme": task.programme,
            "task": task,
            "members": members,
            "unmasked": unmasked,
            "form": form,
        },
    )
