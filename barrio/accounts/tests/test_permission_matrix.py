"""The permission matrix: every page and API operation × every role, in and out of scope.

``MATRIX`` lists, for each URL name, who may use it. A test fails when a URL has no row, so
every new page or endpoint must say who may use it. Each row is then tried by the public,
by each role granted over the Lima programme, by the same role granted only over Quito
(another programme, another country) and by a Lima role limited to one municipality.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from barrio.accounts.models import ApiToken, Role
from barrio.accounts.services import api_token_create, organisation_create
from barrio.accounts.tests.factories import build_world, fresh, grant, make_user
from barrio.crypto import blind_index
from barrio.jobs.models import Job
from barrio.participation.tests.paper_factories import programme_stations
from barrio.participation.tests.review_matrix import (
    ASSIGNED_LABEL,
    build_review_data,
    fresh_name,
)
from barrio.participation.tests.vote_factories import programme_votes
from barrio.planning.models import TargetingRun
from barrio.planning.services import (
    apportionment_create,
    targeting_run_approve,
    targeting_run_create,
)
from barrio.planning.specs import ApportionmentSpec, ComponentSpec, TargetingSpec
from barrio.registry.tests import payments_matrix as cash_data
from barrio.territories.models import IndicatorValue
from barrio.territories.services import indicator_define

pytestmark = pytest.mark.django_db

PUBLIC = "public"  # anybody, signed in or not
SIGNED_IN = "signed in"  # any signed-in user, on their own things
OWNER = "owner"  # only whoever started the job
ADMINISTRATORS = "administrators"  # staff only: no role of a programme reaches it
REPRESENTATIVE = "representative"  # only the representative of the group concerned
EVERY_ROLE = frozenset(Role)
MANAGER = frozenset({Role.PROGRAMME_MANAGER})
ROLE_READERS = frozenset({Role.PROGRAMME_MANAGER, Role.AUDITOR})
AUDITOR = frozenset({Role.AUDITOR})
PLANNERS = frozenset({Role.PROGRAMME_MANAGER, Role.MUNICIPAL_TEAM})
PLAN_READERS = PLANNERS | {Role.COMMITTEE_MEMBER, Role.AUDITOR}


class Anywhere(frozenset[Role]):
    """These roles, granted over the whole programme or only over the unit concerned."""


REGISTRY_READERS = Anywhere(
    {
        Role.PROGRAMME_MANAGER,
        Role.MUNICIPAL_TEAM,
        Role.CASEWORKER,
        Role.PAYMENTS_OFFICER,
        Role.AUDITOR,
    }
)
PERSONAL_READERS = Anywhere(
    {Role.MUNICIPAL_TEAM, Role.CASEWORKER, Role.PAYMENTS_OFFICER, Role.AUDITOR}
)
PERSONAL_WRITERS = Anywhere({Role.MUNICIPAL_TEAM, Role.CASEWORKER})
ADJUDICATORS = Anywhere({Role.CASEWORKER})
# Grievances (issue 10 part B).
CASE_READERS = Anywhere(
    {
        Role.PROGRAMME_MANAGER,
        Role.MUNICIPAL_TEAM,
        Role.CASEWORKER,
        Role.PROTECTION_FOCAL,
        Role.AUDITOR,
    }
)
CASE_RECORDERS = Anywhere({Role.MUNICIPAL_TEAM, Role.CASEWORKER, Role.PROTECTION_FOCAL})
CASE_HANDLERS = Anywhere({Role.CASEWORKER, Role.PROTECTION_FOCAL})
SENSITIVE_READERS = Anywhere({Role.PROGRAMME_MANAGER, Role.PROTECTION_FOCAL})
CONTACT_READERS = Anywhere(
    {Role.MUNICIPAL_TEAM, Role.CASEWORKER, Role.PROTECTION_FOCAL, Role.AUDITOR}
)
CORRECTION_ASKERS = Anywhere({Role.MUNICIPAL_TEAM, Role.CASEWORKER})
CORRECTION_DECIDERS = Anywhere({Role.CASEWORKER})
REFERRERS = Anywhere({Role.CASEWORKER, Role.PROTECTION_FOCAL})
HOUSEHOLD_REFERRERS = Anywhere({Role.CASEWORKER})  # a household needs household.view too
REFERRAL_READERS = REGISTRY_READERS | CASE_READERS
MESSENGERS = Anywhere({Role.PROGRAMME_MANAGER, Role.CASEWORKER})
TEMPLATE_NAMES = iter(range(10**6))

Who = str | frozenset[Role]


@dataclass
class Ctx:
    slug: str
    grant_id: int
    token_id: int
    job_id: str
    unit_id: int
    organisation_id: int
    household_id: int = 0
    run_id: int = 0  # a draft targeting run
    approved_id: int = 0  # an approved targeting run
    apportionment_id: int = 0
    fresh_run: Callable[[], int] | None = None  # a new draft, for each approval tried
    batch_id: int = 0
    task_id: int = 0
    # Committee review and assemblies (participation, review half).
    review_call_id: int = 0
    assignment_id: int = 0
    decide_proposal_id: int = 0
    decide_page_proposal_id: int = 0
    assign_proposal_id: int = 0
    admitted_id: int = 0
    member_id: int = 0
    candidate_id: int = 0
    assembly_id: int = 0
    vote_assembly_id: int = 0
    fresh_attendee: Callable[[], int] | None = None
    fresh_assembly: Callable[[], tuple[int, int]] | None = None
    # Grievances (issue 10 part B): a case, a sensitive case, a handler, a fresh case.
    grievance_id: int = 0
    sensitive_id: int = 0
    handler_id: int = 0
    fresh_case: Callable[[], int] | None = None
    change_id: int = 0
    fresh_change: Callable[[], int] | None = None
    # Participation, calls half (issue 7): a published call, a group, a submitted proposal
    # and a draft of that group.
    call_id: int = 0
    group_id: int = 0
    proposal_id: int = 0
    draft_id: int = 0
    ready_id: int = 0  # a complete draft, for the one submission that succeeds
    photo_id: int = 0  # a photo of the submitted proposal (public once submitted)
    fresh_call: Callable[[], int] | None = None  # a new draft call, for each publication
    # Votes (issue 8): a programme's votes in every state, and fresh ones to act on.
    votes: Any = None
    referral_id: int = 0
    fresh_referral: Callable[[], int] | None = None
    template_id: int = 0
    campaign_id: int = 0
    # Cash assistance (issue 10, part A): see barrio/registry/tests/payments_matrix.py.
    rule_id: int = 0
    list_id: int = 0
    fresh_list: Callable[[], int] | None = None  # a new draft target list, for each approval
    # Cash assistance, payment plans: an approved list, a released plan and one of its files,
    # and a maker of plans waiting for a given sign-off.
    approved_list_id: int = 0
    plan_id: int = 0
    file_id: int = 0
    fresh_plan: Callable[[str], int] | None = None
    plans_cycle_id: int = 0  # the cycle of those plans, with a delivered payment
    verification_id: int = 0
    contact_id: int = 0
    reconciliation_import_id: int = 0  # a result file applied to those payments
    cycle_id: int = 0


def decide_pair(path: str) -> Callable[[Client, Ctx], Any]:
    """Decide the probable duplicate, reopened first (a decided pair is never asked again)."""

    def call(client: Client, ctx: Ctx) -> Any:
        apps.get_model("registry", "AdjudicationTask").objects.filter(pk=ctx.task_id).update(
            status="open", decision="", reason=""
        )
        body = {"decision": "different", "reason": "Fechas de nacimiento distintas."}
        return client.post(path.format(task_id=ctx.task_id), body, content_type="application/json")

    return call


def on_votes(
    method: str, path: str, ids: Callable[[Any], dict[str, Any]], body: Any = None, *, api: bool
) -> Callable[[Client, Ctx], Any]:
    """Call ``path`` filled with ids of the programme's votes (``ids`` may make fresh ones:
    a vote opens, closes or is approved once)."""

    def call(client: Client, ctx: Ctx) -> Any:
        url = path.format(**ids(ctx.votes))
        data = body(ctx.votes) if callable(body) else body
        if api:
            return getattr(client, method)(url, data, content_type="application/json")
        return getattr(client, method)(url, data or {})

    return call


def _fresh_run(v: Any) -> dict[str, Any]:
    vote, run = v.new_run()
    return {"vote": vote, "run": run}


VOTE_STAFF = frozenset({Role.PROGRAMME_MANAGER, Role.MUNICIPAL_TEAM, Role.AUDITOR})
RESIDENTS = Anywhere({Role.RESIDENT})


def _vote_in(v: Any) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)
    return {
        "title": "m",
        "opens_at": (now + dt.timedelta(days=1)).isoformat(),
        "closes_at": (now + dt.timedelta(days=2)).isoformat(),
        "ballot_kind": "approval",
        "rule": "greedy",
        "max_choices": 2,
        "pots": [{"name": "m", "budget_cents": 1000}],
    }


def _vote_form(v: Any) -> dict[str, Any]:
    data = _vote_in(v)
    return {
        **{k: data[k] for k in ("title", "ballot_kind", "rule", "max_choices")},
        "opens_at": data["opens_at"][:16],
        "closes_at": data["closes_at"][:16],
        "tie_breaking": "id",
        "seed": 0,
        "whole_budget": "10.00",
    }


def _open(v: Any) -> dict[str, Any]:
    return {"vote": v.open_id, "pot": v.open_pot_id}


def _published(v: Any) -> dict[str, Any]:
    return {
        "vote": v.published_id,
        "pot": v.published_pot_id,
        "proposal": v.published_proposal_id,
        "run": v.approved_run_id,
    }


def _closed(v: Any) -> dict[str, Any]:
    return {"vote": v.closed_id, "a": v.run_id, "b": v.run_b_id}


VOTE_ROWS: dict[str, list[tuple[Who, Callable[[Client, Ctx], Any] | None]]] = {
    "participation:vote_list": [
        (
            EVERY_ROLE,
            on_votes(
                "get",
                "/participation/calls/{call}/votes/",
                lambda v: {"call": v.call_id},
                api=False,
            ),
        )
    ],
    "participation:vote_new": [
        (
            MANAGER,
            on_votes(
                "get",
                "/participation/calls/{call}/votes/new/",
                lambda v: {"call": v.call_id},
                api=False,
            ),
        ),
        (
            MANAGER,
            on_votes(
                "post",
                "/participation/calls/{call}/votes/new/",
                lambda v: {"call": v.call_id},
                _vote_form,
                api=False,
            ),
        ),
    ],
    "participation:vote": [
        (
            VOTE_STAFF,
            on_votes(
                "get", "/participation/votes/{vote}/", lambda v: {"vote": v.draft_id}, api=False
            ),
        ),
        (EVERY_ROLE, on_votes("get", "/participation/votes/{vote}/", _open, api=False)),
    ],
    "participation:vote_open": [
        (
            MANAGER,
            on_votes(
                "post",
                "/participation/votes/{vote}/open/",
                lambda v: {"vote": v.new_draft()},
                api=False,
            ),
        )
    ],
    "participation:vote_close": [
        (
            MANAGER,
            on_votes(
                "post",
                "/participation/votes/{vote}/close/",
                lambda v: {"vote": v.new_expired()},
                api=False,
            ),
        )
    ],
    "participation:ballot": [
        (
            RESIDENTS,
            on_votes("get", "/participation/votes/{vote}/pots/{pot}/ballot/", _open, api=False),
        ),
        (
            RESIDENTS,
            on_votes(
                "post",
                "/participation/votes/{vote}/pots/{pot}/ballot/",
                _open,
                lambda v: {"choice": [v.open_proposal_id]},
                api=False,
            ),
        ),
    ],
    "participation:run_new": [
        (
            MANAGER,
            on_votes(
                "post", "/participation/votes/{vote}/runs/", _closed, {"rule": "mes"}, api=False
            ),
        )
    ],
    "participation:run_compare": [
        (
            VOTE_STAFF,
            on_votes(
                "get", "/participation/votes/{vote}/runs/compare/?a={a}&b={b}", _closed, api=False
            ),
        )
    ],
    "participation:run": [
        (VOTE_STAFF, on_votes("get", "/participation/votes/{vote}/runs/{a}/", _closed, api=False))
    ],
    "participation:run_approve": [
        (
            MANAGER,
            on_votes(
                "post", "/participation/votes/{vote}/runs/{run}/approve/", _fresh_run, api=False
            ),
        )
    ],
    "participation:results": [
        (EVERY_ROLE, on_votes("get", "/participation/votes/{vote}/results/", _published, api=False))
    ],
    "participation:results_csv": [
        (
            EVERY_ROLE,
            on_votes("get", "/participation/votes/{vote}/results.csv", _published, api=False),
        )
    ],
    "participation:result_project": [
        (
            EVERY_ROLE,
            on_votes(
                "get", "/participation/votes/{vote}/results/{proposal}/", _published, api=False
            ),
        )
    ],
    "participation:pot_pb": [
        (
            EVERY_ROLE,
            on_votes("get", "/participation/votes/{vote}/pots/{pot}.pb", _published, api=False),
        )
    ],
    "api:vote_list": [
        (
            EVERY_ROLE,
            on_votes("get", "/api/v1/calls/{call}/votes", lambda v: {"call": v.call_id}, api=True),
        )
    ],
    "api:vote_create": [
        (
            MANAGER,
            on_votes(
                "post",
                "/api/v1/calls/{call}/votes",
                lambda v: {"call": v.call_id},
                _vote_in,
                api=True,
            ),
        )
    ],
    "api:vote_detail": [
        (
            VOTE_STAFF,
            on_votes("get", "/api/v1/votes/{vote}", lambda v: {"vote": v.draft_id}, api=True),
        ),
        (EVERY_ROLE, on_votes("get", "/api/v1/votes/{vote}", _open, api=True)),
    ],
    "api:vote_open": [
        (
            MANAGER,
            on_votes(
                "post", "/api/v1/votes/{vote}/open", lambda v: {"vote": v.new_draft()}, api=True
            ),
        )
    ],
    "api:vote_close": [
        (
            MANAGER,
            on_votes(
                "post", "/api/v1/votes/{vote}/close", lambda v: {"vote": v.new_expired()}, api=True
            ),
        )
    ],
    "api:ballot_cast": [
        (
            RESIDENTS,
            on_votes(
                "post",
                "/api/v1/votes/{vote}/pots/{pot}/ballots",
                _open,
                lambda v: {"choices": [{"proposal": v.open_proposal_id}]},
                api=True,
            ),
        )
    ],
    "api:allocation_run_list": [
        (EVERY_ROLE, on_votes("get", "/api/v1/votes/{vote}/runs", _published, api=True))
    ],
    "api:allocation_run_start": [
        (MANAGER, on_votes("post", "/api/v1/votes/{vote}/runs", _closed, {"rule": "mes"}, api=True))
    ],
    "api:allocation_run_compare": [
        (
            VOTE_STAFF,
            on_votes("get", "/api/v1/votes/{vote}/runs/compare?a={a}&b={b}", _closed, api=True),
        )
    ],
    "api:allocation_run_detail": [
        (VOTE_STAFF, on_votes("get", "/api/v1/votes/{vote}/runs/{a}", _closed, api=True)),
        (EVERY_ROLE, on_votes("get", "/api/v1/votes/{vote}/runs/{run}", _published, api=True)),
    ],
    "api:allocation_run_approve": [
        (MANAGER, on_votes("post", "/api/v1/votes/{vote}/runs/{run}/approve", _fresh_run, api=True))
    ],
}


def UNIT_FILE(ctx: Ctx) -> dict[str, Any]:  # noqa: N802 (a payload, like the others)
    upload = SimpleUploadedFile("u.geojson", b'{"type":"FeatureCollection","features":[]}')
    return {"country": "PE", "level": "x", "code_field": "c", "name_field": "n", "file": upload}


def VALUES(ctx: Ctx) -> dict[str, Any]:  # noqa: N802
    upload = SimpleUploadedFile("v.csv", b"unit_code,indicator,period,value\n")
    return {"country": "PE", "file": upload}


INDEX = {
    "code": "m",
    "name": "m",
    "configuration": {"root": {"code": "m", "children": [{"indicator": "need"}]}},
    "country": "PE",
    "level": "distrito",
    "period": "2020",
}
TARGETING = {"name": "m", "level": "distrito", "indicator": "need", "period": "2020"}
SPLIT = {
    "name": "m",
    "total_cents": 1000,
    "level": "distrito",
    "components": [{"kind": "equal", "share": "1"}],
}


# Committee review and assemblies (participation, review half).
ASSIGNED = "assigned member"  # only the committee member the proposal is assigned to
REVIEW_STAFF = Anywhere({Role.PROGRAMME_MANAGER, Role.MUNICIPAL_TEAM, Role.AUDITOR})
RECORDERS = Anywhere({Role.PROGRAMME_MANAGER, Role.MUNICIPAL_TEAM})


def on_fresh_assembly(path: str, method: str, body: Any = None) -> Callable[[Client, Ctx], Any]:
    """Act on a new assembly ready to close (electing and closing succeed once each)."""

    def call(client: Client, ctx: Ctx) -> Any:
        assert ctx.fresh_assembly is not None
        assembly_id, proposal_id = ctx.fresh_assembly()
        url = path.format(assembly_id=assembly_id)
        data = body(proposal_id) if callable(body) else body
        return getattr(client, method)(url, data or {}, content_type="application/json")

    return call


def api_json(method: str, path: str, body: Any = None) -> Callable[[Client, Ctx], Any]:
    def call(client: Client, ctx: Ctx) -> Any:
        url = path.format(**{k: v for k, v in ctx.__dict__.items() if not callable(v)})
        if body is None:
            return getattr(client, method)(url)
        data = body(ctx) if callable(body) else body
        return getattr(client, method)(url, data, content_type="application/json")

    return call


def page(method: str, path: str, data: Any = None) -> Callable[[Client, Ctx], Any]:
    def call(client: Client, ctx: Ctx) -> Any:
        url = path.format(**{k: v for k, v in ctx.__dict__.items() if not callable(v)})
        payload = data(ctx) if callable(data) else data
        return getattr(client, method)(url, payload or {})

    return call


def invite(ctx: Ctx) -> dict[str, Any]:
    return {
        "email": "new.person@example.org",
        "role": "resident",
        "unit_id": ctx.unit_id,
        "expires_on": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
    }


def new_household(ctx: Ctx) -> dict[str, Any]:
    return {
        "unit_id": ctx.unit_id,
        "residence_status": "host",
        "members": [
            {
                "given_names": "Ana",
                "family_name_1": "Prueba",
                "sex": "female",
                "nationality": "PE",
                "relationship": "head",
            }
        ],
        "consents": [{"purpose": "registration", "given_on": dt.date.today().isoformat()}],
    }


def on_fresh(
    make: str,
    method: str,
    path: str,
    body: Any = None,
    *,
    caller: Callable[..., Callable[[Client, Ctx], Any]] = api_json,
    args: tuple[Any, ...] = (),
) -> Callable[[Client, Ctx], Any]:
    """Call ``path`` on a new object of ``ctx.<make>``, its id in ``{fresh}``.

    Approving, deciding, publishing or signing succeeds once: each try needs its own object.
    """

    def call(client: Client, ctx: Ctx) -> Any:
        maker = getattr(ctx, make)
        assert maker is not None
        return caller(method, path.replace("{fresh}", str(maker(*args))), body)(client, ctx)

    return call


def new_case(ctx: Ctx) -> dict[str, Any]:
    return {
        "category": "payment",
        "channel": "phone",
        "description": "No recibió el pago.",
        "unit_id": ctx.unit_id,
        "contact_name": "Persona Sintética",
        "contact_phone": "+51 900 000 000",
    }


EXPIRY = {"expires_on": (dt.date.today() + dt.timedelta(days=60)).isoformat()}

#: URL name → list of (who may, how to call it). Names not worth a call (the sign-in flow,
#: the API's own documents) are "public" with no call and are tested elsewhere.
MATRIX: dict[str, list[tuple[Who, Callable[[Client, Ctx], Any] | None]]] = {
    "portal:home": [(PUBLIC, page("get", "/"))],
    "set_language": [(PUBLIC, page("post", "/i18n/setlang/", {"language": "en"}))],
    "accounts:login": [(PUBLIC, None)],
    "accounts:logout": [(PUBLIC, None)],
    "accounts:two_factor_setup": [(PUBLIC, None)],
    "accounts:two_factor_verify": [(PUBLIC, None)],
    "accounts:password_reset": [(PUBLIC, None)],
    "accounts:password_reset_sent": [(PUBLIC, None)],
    "accounts:set_password": [(PUBLIC, None)],
    "accounts:programme_switch": [
        (PUBLIC, page("post", "/accounts/programme/", {"programme": "lima"}))
    ],
    "accounts:profile": [(SIGNED_IN, page("get", "/accounts/profile/"))],
    "accounts:token_create": [
        (SIGNED_IN, page("post", "/accounts/profile/tokens/", {"name": "t", "days": 5}))
    ],
    "accounts:token_revoke": [
        (SIGNED_IN, page("post", "/accounts/profile/tokens/{token_id}/revoke/"))
    ],
    "accounts:programme": [(EVERY_ROLE, page("get", "/accounts/programmes/{slug}/"))],
    "portal:territory": [(EVERY_ROLE, page("get", "/programmes/{slug}/territory/"))],
    "portal:territory_geojson": [(EVERY_ROLE, page("get", "/programmes/{slug}/territory.geojson"))],
    "portal:territory_csv": [(EVERY_ROLE, page("get", "/programmes/{slug}/territory.csv"))],
    "portal:unit": [(EVERY_ROLE, page("get", "/programmes/{slug}/units/{unit_id}/"))],
    "portal:unit_geojson": [
        (EVERY_ROLE, page("get", "/programmes/{slug}/units/{unit_id}.geojson"))
    ],
    "portal:territory_xlsx": [(EVERY_ROLE, page("get", "/programmes/{slug}/territory.xlsx"))],
    "accounts:organisation": [
        (EVERY_ROLE, page("get", "/accounts/organisations/{organisation_id}/"))
    ],
    "accounts:roles": [
        (ROLE_READERS, page("get", "/accounts/programmes/{slug}/roles/")),
        (
            MANAGER,
            page(
                "post",
                "/accounts/programmes/{slug}/roles/",
                lambda c: {**invite(c), "unit": c.unit_id},
            ),
        ),
    ],
    "accounts:role_revoke": [
        (MANAGER, page("post", "/accounts/programmes/{slug}/roles/{grant_id}/revoke/"))
    ],
    "accounts:role_expiry": [
        (MANAGER, page("post", "/accounts/programmes/{slug}/roles/{grant_id}/expiry/", EXPIRY))
    ],
    "accounts:audit": [(AUDITOR, page("get", "/accounts/programmes/{slug}/audit/"))],
    "territories:import_units": [(ADMINISTRATORS, page("get", "/territories/import/units/"))],
    "territories:import_indicators": [
        (ADMINISTRATORS, page("get", "/territories/import/indicators/"))
    ],
    "territories:names": [(ADMINISTRATORS, page("get", "/territories/names/"))],
    "territories:indices": [(ADMINISTRATORS, page("get", "/territories/indices/"))],
    "api:units_import_start": [
        (ADMINISTRATORS, page("post", "/api/v1/territories/units/imports", UNIT_FILE))
    ],
    "api:indicators_import_start": [
        (ADMINISTRATORS, page("post", "/api/v1/territories/indicator-values/imports", VALUES))
    ],
    "api:index_list": [(ADMINISTRATORS, api_json("get", "/api/v1/territories/indices"))],
    "api:index_create": [(ADMINISTRATORS, api_json("post", "/api/v1/territories/indices", INDEX))],
    "api:name_choice_list_api": [
        (ADMINISTRATORS, api_json("get", "/api/v1/territories/unit-names"))
    ],
    "api:name_choice_update": [
        (ADMINISTRATORS, api_json("put", "/api/v1/territories/unit-names/1", {"unit_id": None}))
    ],
    "territories:name_choose": [(ADMINISTRATORS, page("post", "/territories/names/0/"))],
    "jobs:detail": [(OWNER, page("get", "/jobs/{job_id}/"))],
    "jobs:progress": [(OWNER, page("get", "/jobs/{job_id}/progress/"))],
    "registry:dashboard": [(REGISTRY_READERS, page("get", "/registry/programmes/{slug}/"))],
    "registry:households": [
        (REGISTRY_READERS, page("get", "/registry/programmes/{slug}/households/")),
        (PERSONAL_READERS, page("get", "/registry/programmes/{slug}/households/?name=ana")),
    ],
    "registry:register": [
        (PERSONAL_WRITERS, page("get", "/registry/programmes/{slug}/register/")),
        (
            PERSONAL_WRITERS,
            page("post", "/registry/programmes/{slug}/register/", {"action": "draft"}),
        ),
    ],
    "registry:draft_delete": [
        (PERSONAL_WRITERS, page("post", "/registry/programmes/{slug}/drafts/1/delete/"))
    ],
    "registry:household": [
        (REGISTRY_READERS, page("get", "/registry/households/{household_id}/")),
        (PERSONAL_READERS, page("post", "/registry/households/{household_id}/")),
    ],
    "registry:imports": [(PERSONAL_WRITERS, page("get", "/registry/programmes/{slug}/imports/"))],
    "registry:import_template": [
        (EVERY_ROLE, page("get", "/registry/programmes/{slug}/imports/template/"))
    ],
    "registry:import_batch": [(PERSONAL_WRITERS, page("get", "/registry/imports/{batch_id}/"))],
    "registry:adjudication": [
        (ADJUDICATORS, page("get", "/registry/programmes/{slug}/duplicates/"))
    ],
    "registry:adjudication_task": [(ADJUDICATORS, page("get", "/registry/duplicates/{task_id}/"))],
    "api:registry_dashboard": [
        (REGISTRY_READERS, api_json("get", "/api/v1/programmes/{slug}/registry"))
    ],
    "api:household_list": [
        (REGISTRY_READERS, api_json("get", "/api/v1/programmes/{slug}/households"))
    ],
    "api:household_search": [
        (PERSONAL_READERS, api_json("get", "/api/v1/programmes/{slug}/households/search?name=a"))
    ],
    "api:household_register": [
        (PERSONAL_WRITERS, api_json("post", "/api/v1/programmes/{slug}/households", new_household))
    ],
    "api:household_detail": [
        (REGISTRY_READERS, api_json("get", "/api/v1/households/{household_id}")),
        (PERSONAL_READERS, api_json("get", "/api/v1/households/{household_id}?unmask=true")),
    ],
    # Grievances (issue 10 part B).
    "registry:grievances": [
        (CASE_READERS, page("get", "/registry/programmes/{slug}/grievances/")),
        (CASE_READERS, page("get", "/registry/programmes/{slug}/grievances/?overdue=on&mine=on")),
    ],
    "registry:grievance_new": [
        (CASE_RECORDERS, page("get", "/registry/programmes/{slug}/grievances/new/")),
        (
            CASE_RECORDERS,
            page(
                "post",
                "/registry/programmes/{slug}/grievances/new/",
                lambda c: {**new_case(c), "unit": c.unit_id},
            ),
        ),
    ],
    "registry:grievance": [
        (CASE_READERS, page("get", "/registry/grievances/{grievance_id}/")),
        (SENSITIVE_READERS, page("get", "/registry/grievances/{sensitive_id}/")),
        (CONTACT_READERS, page("post", "/registry/grievances/{grievance_id}/", {"action": "show"})),
        (
            CASE_HANDLERS,
            page(
                "post",
                "/registry/grievances/{grievance_id}/",
                lambda c: {"action": "assign", "assignee": c.handler_id},
            ),
        ),
    ],
    "api:grievance_list": [
        (CASE_READERS, api_json("get", "/api/v1/programmes/{slug}/grievances?overdue=true"))
    ],
    "api:grievance_record": [
        (CASE_RECORDERS, api_json("post", "/api/v1/programmes/{slug}/grievances", new_case))
    ],
    "api:grievance_detail": [
        (CASE_READERS, api_json("get", "/api/v1/grievances/{grievance_id}")),
        (SENSITIVE_READERS, api_json("get", "/api/v1/grievances/{sensitive_id}")),
        (CONTACT_READERS, api_json("get", "/api/v1/grievances/{grievance_id}?unmask=true")),
    ],
    "api:grievance_assign": [
        (
            CASE_HANDLERS,
            on_fresh(
                "fresh_case",
                "post",
                "/api/v1/grievances/{fresh}/assign",
                lambda c: {"assignee_id": c.handler_id},
            ),
        )
    ],
    "api:grievance_status": [
        (
            CASE_HANDLERS,
            on_fresh(
                "fresh_case",
                "post",
                "/api/v1/grievances/{fresh}/status",
                {"status": "closed", "note": "x"},
            ),
        )
    ],
    # Registry: probable duplicates.
    "api:adjudication_list": [
        (ADJUDICATORS, api_json("get", "/api/v1/programmes/{slug}/duplicates"))
    ],
    "api:adjudication_detail": [
        (ADJUDICATORS, api_json("get", "/api/v1/duplicates/{task_id}")),
        (ADJUDICATORS, api_json("get", "/api/v1/duplicates/{task_id}?unmask=true")),
    ],
    "api:adjudication_decide": [
        (ADJUDICATORS, decide_pair("/api/v1/duplicates/{task_id}/decision"))
    ],
    "registry:data_change_new": [
        (CORRECTION_ASKERS, page("get", "/registry/households/{household_id}/corrections/new/")),
        (
            CORRECTION_ASKERS,
            page(
                "post",
                "/registry/households/{household_id}/corrections/new/",
                {"field": "address", "new_value": "Calle Nueva 1", "reason": "Se mudó."},
            ),
        ),
    ],
    "registry:data_changes": [
        (CORRECTION_ASKERS, page("get", "/registry/programmes/{slug}/corrections/?status=all"))
    ],
    "registry:data_change": [
        (CORRECTION_ASKERS, page("get", "/registry/corrections/{change_id}/")),
        (CORRECTION_ASKERS, page("post", "/registry/corrections/{change_id}/", {"action": "show"})),
    ],
    "api:data_change_create": [
        (
            CORRECTION_ASKERS,
            api_json(
                "post",
                "/api/v1/households/{household_id}/data-changes",
                {"field": "address", "new_value": "Calle Nueva 1", "reason": "Se mudó."},
            ),
        )
    ],
    "api:data_change_list": [
        (CORRECTION_ASKERS, api_json("get", "/api/v1/programmes/{slug}/data-changes"))
    ],
    "api:data_change_detail": [
        (CORRECTION_ASKERS, api_json("get", "/api/v1/data-changes/{change_id}?unmask=true"))
    ],
    "api:data_change_decision": [
        (
            CORRECTION_DECIDERS,
            on_fresh(
                "fresh_change",
                "post",
                "/api/v1/data-changes/{fresh}/decision",
                {"approve": False, "note": "No corresponde."},
            ),
        )
    ],
    "registry:referral_new": [
        (
            HOUSEHOLD_REFERRERS,
            page("get", "/registry/programmes/{slug}/referrals/new/?household={household_id}"),
        ),
        (REFERRERS, page("get", "/registry/programmes/{slug}/referrals/new/?case={grievance_id}")),
    ],
    "registry:referral": [(REGISTRY_READERS, page("get", "/registry/referrals/{referral_id}/"))],
    "api:referral_create": [
        (
            HOUSEHOLD_REFERRERS,
            api_json(
                "post",
                "/api/v1/programmes/{slug}/referrals",
                lambda c: {
                    "organisation_id": c.organisation_id,
                    "service": "health",
                    "household_id": c.household_id,
                },
            ),
        )
    ],
    "api:referral_list": [
        (Anywhere(REFERRAL_READERS), api_json("get", "/api/v1/programmes/{slug}/referrals"))
    ],
    "api:referral_status": [
        (
            HOUSEHOLD_REFERRERS,
            on_fresh(
                "fresh_referral", "post", "/api/v1/referrals/{fresh}/status", {"status": "accepted"}
            ),
        )
    ],
    "registry:messages": [(MESSENGERS, page("get", "/registry/programmes/{slug}/messages/"))],
    "registry:message_template": [
        (MESSENGERS, page("get", "/registry/messages/templates/{template_id}/"))
    ],
    "registry:campaign": [(MESSENGERS, page("get", "/registry/messages/sendings/{campaign_id}/"))],
    "api:message_template_list": [
        (MESSENGERS, api_json("get", "/api/v1/programmes/{slug}/message-templates"))
    ],
    "api:message_template_create": [
        (
            MESSENGERS,
            api_json(
                "post",
                "/api/v1/programmes/{slug}/message-templates",
                lambda c: {"name": f"t{next(TEMPLATE_NAMES)}", "body_es": "Hola {given_name}."},
            ),
        )
    ],
    "api:message_campaign_create": [
        (
            MESSENGERS,
            api_json(
                "post",
                "/api/v1/programmes/{slug}/message-sendings",
                lambda c: {"template_id": c.template_id},
            ),
        )
    ],
    "api:message_campaign_detail": [
        (MESSENGERS, api_json("get", "/api/v1/message-sendings/{campaign_id}"))
    ],
    "api:openapi-json": [(PUBLIC, None)],
    "api:openapi-view": [(PUBLIC, None)],
    "api:api-root": [(PUBLIC, None)],
    "api:programme_list": [(PUBLIC, api_json("get", "/api/v1/programmes"))],
    "api:programme_detail": [(EVERY_ROLE, api_json("get", "/api/v1/programmes/{slug}"))],
    "api:unit_list": [(EVERY_ROLE, api_json("get", "/api/v1/programmes/{slug}/units"))],
    "api:grant_list": [(ROLE_READERS, api_json("get", "/api/v1/programmes/{slug}/roles"))],
    "api:grant_create": [(MANAGER, api_json("post", "/api/v1/programmes/{slug}/roles", invite))],
    "api:grant_update": [(MANAGER, api_json("patch", "/api/v1/roles/{grant_id}", EXPIRY))],
    "api:grant_revoke": [(MANAGER, api_json("delete", "/api/v1/roles/{grant_id}"))],
    "api:audit_list": [(AUDITOR, api_json("get", "/api/v1/programmes/{slug}/audit"))],
    "api:me": [(SIGNED_IN, api_json("get", "/api/v1/me"))],
    "api:profile_read": [(SIGNED_IN, api_json("get", "/api/v1/me/profile"))],
    "api:profile_write": [(SIGNED_IN, api_json("put", "/api/v1/me/profile", {"phone": "+51 1"}))],
    "api:token_list": [(SIGNED_IN, api_json("get", "/api/v1/me/tokens"))],
    "api:token_create": [(SIGNED_IN, api_json("post", "/api/v1/me/tokens", {"name": "t"}))],
    "api:token_revoke": [(SIGNED_IN, api_json("delete", "/api/v1/me/tokens/{token_id}"))],
    "api:job_detail": [(OWNER, api_json("get", "/api/v1/jobs/{job_id}"))],
    "api:indicator_list": [(PUBLIC, api_json("get", "/api/v1/indicators"))],
    "api:territory": [
        (EVERY_ROLE, api_json("get", "/api/v1/programmes/{slug}/territory?indicator=need"))
    ],
    "planning:plans": [(EVERY_ROLE, page("get", "/programmes/{slug}/planning/"))],
    "planning:targeting_new": [
        (PLANNERS, page("get", "/programmes/{slug}/targeting/new/")),
        (
            PLANNERS,
            page(
                "post",
                "/programmes/{slug}/targeting/new/",
                {**TARGETING, "classification": "quantiles", "classes": 5, "tie_break": "code"},
            ),
        ),
    ],
    "planning:targeting_run": [
        (PLAN_READERS, page("get", "/programmes/{slug}/targeting/{run_id}/")),
        (EVERY_ROLE, page("get", "/programmes/{slug}/targeting/{approved_id}/")),
    ],
    "planning:targeting_run_csv": [
        (PLAN_READERS, page("get", "/programmes/{slug}/targeting/{run_id}.csv")),
        (EVERY_ROLE, page("get", "/programmes/{slug}/targeting/{approved_id}.csv")),
    ],
    "planning:targeting_run_geojson": [
        (PLAN_READERS, page("get", "/programmes/{slug}/targeting/{run_id}.geojson")),
        (EVERY_ROLE, page("get", "/programmes/{slug}/targeting/{approved_id}.geojson")),
    ],
    "planning:targeting_approve": [
        (
            MANAGER,
            on_fresh(
                "fresh_run", "post", "/programmes/{slug}/targeting/{fresh}/approve/", caller=page
            ),
        )
    ],
    "planning:targeting_compare": [
        (
            PLAN_READERS,
            page("get", "/programmes/{slug}/targeting/compare/?a={run_id}&b={approved_id}"),
        )
    ],
    "planning:apportionment_new": [
        (PLANNERS, page("get", "/programmes/{slug}/apportionments/new/"))
    ],
    "planning:apportionment": [
        (PLAN_READERS, page("get", "/programmes/{slug}/apportionments/{apportionment_id}/"))
    ],
    "api:run_list": [(EVERY_ROLE, api_json("get", "/api/v1/programmes/{slug}/targeting-runs"))],
    "api:run_create": [
        (PLANNERS, api_json("post", "/api/v1/programmes/{slug}/targeting-runs", TARGETING))
    ],
    "api:run_compare": [
        (
            PLAN_READERS,
            api_json(
                "get", "/api/v1/programmes/{slug}/targeting-runs/compare?a={run_id}&b={approved_id}"
            ),
        )
    ],
    "api:run_detail": [
        (PLAN_READERS, api_json("get", "/api/v1/programmes/{slug}/targeting-runs/{run_id}")),
        (EVERY_ROLE, api_json("get", "/api/v1/programmes/{slug}/targeting-runs/{approved_id}")),
    ],
    "api:run_approve": [
        (
            MANAGER,
            on_fresh(
                "fresh_run", "post", "/api/v1/programmes/{slug}/targeting-runs/{fresh}/approve"
            ),
        )
    ],
    "api:apportionment_create": [
        (PLANNERS, api_json("post", "/api/v1/programmes/{slug}/apportionments", SPLIT))
    ],
    "api:apportionment_list": [
        (EVERY_ROLE, api_json("get", "/api/v1/programmes/{slug}/apportionments"))
    ],
    "api:apportionment_detail": [
        (
            PLAN_READERS,
            api_json("get", "/api/v1/programmes/{slug}/apportionments/{apportionment_id}"),
        )
    ],
    # Committee review and assemblies (participation, review half).
    "participation:review_queue": [
        (EVERY_ROLE, page("get", "/participation/review/programmes/{slug}/"))
    ],
    "participation:review_assignment": [
        (ASSIGNED, page("get", "/participation/review/assignments/{assignment_id}/"))
    ],
    "participation:review_overview": [
        (REVIEW_STAFF, page("get", "/participation/review/calls/{review_call_id}/")),
        (
            MANAGER,
            page(
                "post",
                "/participation/review/calls/{review_call_id}/",
                lambda c: {
                    "action": "decide",
                    "proposal": c.decide_page_proposal_id,
                    "outcome": "returned",
                    "reason": "Falta el plano.",
                },
            ),
        ),
    ],
    "participation:review_minutes": [
        (REVIEW_STAFF, page("get", "/participation/review/calls/{review_call_id}/minutes.pdf"))
    ],
    "participation:assembly_list": [
        (REVIEW_STAFF, page("get", "/participation/assemblies/calls/{review_call_id}/"))
    ],
    "participation:assembly_new": [
        (RECORDERS, page("get", "/participation/assemblies/calls/{review_call_id}/new/"))
    ],
    "participation:assembly": [
        (REVIEW_STAFF, page("get", "/participation/assemblies/{assembly_id}/")),
        (
            RECORDERS,
            page(
                "post",
                "/participation/assemblies/{assembly_id}/",
                lambda c: {"action": "attendance", "names": fresh_name()},
            ),
        ),
    ],
    "participation:assembly_minutes": [
        (REVIEW_STAFF, page("get", "/participation/assemblies/{assembly_id}/minutes.pdf"))
    ],
    "participation:approved_proposals": [
        (EVERY_ROLE, page("get", "/participation/programmes/{slug}/approved/"))
    ],
    "api:review_queue_api": [
        (EVERY_ROLE, api_json("get", "/api/v1/programmes/{slug}/review/assignments"))
    ],
    "api:review_declare_api": [
        (
            ASSIGNED,
            api_json(
                "post",
                "/api/v1/review/assignments/{assignment_id}/declaration",
                {"conflict": False},
            ),
        )
    ],
    "api:review_score_api": [
        (
            ASSIGNED,
            api_json(
                "put",
                "/api/v1/review/assignments/{assignment_id}/scores",
                {"scores": [{"criterion": "feasibility", "value": 4, "reason": "Viable."}]},
            ),
        )
    ],
    "api:review_overview_api": [
        (REVIEW_STAFF, api_json("get", "/api/v1/calls/{review_call_id}/review"))
    ],
    "api:committee_member_add_api": [
        (
            MANAGER,
            api_json(
                "post",
                "/api/v1/calls/{review_call_id}/committee",
                lambda c: {"user_id": c.candidate_id, "affiliation": "civil_society"},
            ),
        )
    ],
    "api:review_assign_api": [
        (
            MANAGER,
            api_json(
                "post",
                "/api/v1/proposals/{assign_proposal_id}/review-assignments",
                lambda c: {"member_id": c.member_id},
            ),
        )
    ],
    "api:review_decide_api": [
        (
            MANAGER,
            api_json(
                "post",
                "/api/v1/proposals/{decide_proposal_id}/review-decision",
                {"outcome": "rejected", "reason": "No es viable."},
            ),
        )
    ],
    "api:assembly_create_api": [
        (
            RECORDERS,
            api_json(
                "post",
                "/api/v1/calls/{review_call_id}/assemblies",
                lambda c: {
                    "unit_id": c.unit_id,
                    "held_at": "2026-03-01T18:00:00-05:00",
                    "place": "Parque central",
                    "proposal_ids": [c.admitted_id],
                    "quorum_min_attendees": 10,
                },
            ),
        )
    ],
    "api:assembly_detail_api": [
        (REVIEW_STAFF, api_json("get", "/api/v1/assemblies/{assembly_id}")),
        (REVIEW_STAFF, api_json("get", "/api/v1/assemblies/{assembly_id}?unmask=true")),
    ],
    "api:assembly_attendance_api": [
        (
            RECORDERS,
            api_json(
                "post",
                "/api/v1/assemblies/{assembly_id}/attendance",
                lambda c: {"names": [fresh_name()]},
            ),
        )
    ],
    "api:assembly_vote_api": [
        (
            RECORDERS,
            api_json(
                "post",
                "/api/v1/assemblies/{vote_assembly_id}/votes",
                lambda c: {
                    "proposal_id": c.admitted_id,
                    "attendee_id": c.fresh_attendee(),
                    "choice": "for",
                },
            ),
        )
    ],
    "api:assembly_tally_api": [
        (
            RECORDERS,
            api_json(
                "put",
                "/api/v1/assemblies/{assembly_id}/tallies/{admitted_id}",
                {"votes_for": 0, "votes_against": 0, "abstentions": 0},
            ),
        )
    ],
    "api:assembly_committee_api": [
        (
            RECORDERS,
            on_fresh_assembly(
                "/api/v1/assemblies/{assembly_id}/committees",
                "post",
                lambda proposal_id: {
                    "proposal_id": proposal_id,
                    "kind": "supervision",
                    "members": [{"name": fresh_name(), "role": "president"}],
                },
            ),
        )
    ],
    "api:assembly_close_api": [
        (RECORDERS, on_fresh_assembly("/api/v1/assemblies/{assembly_id}/close", "post"))
    ],
    "api:approved_proposals_api": [
        (EVERY_ROLE, api_json("get", "/api/v1/programmes/{slug}/approved-proposals"))
    ],
}

MATRIX.update(VOTE_ROWS)  # votes (issue 8)

# Polling stations and paper ballots (issue 8, second half): an open in-person vote of Lima
# whose stations have the municipal team of the whole programme as officials
# (barrio/participation/tests/paper_factories.py, ``programme_stations``).
OFFICIALS = frozenset({Role.MUNICIPAL_TEAM})


def on_stations(
    method: str, path: str, ids: Callable[[Any], dict[str, Any]], body: Any = None, *, api: bool
) -> Callable[[Client, Ctx], Any]:
    """Call ``path`` filled with ids of the in-person vote; a body holding a file is sent as
    a form (multipart), any other API body as JSON."""

    def call(client: Client, ctx: Ctx) -> Any:
        s = ctx.votes.paper
        url = path.format(vote=s.vote_id, pot=s.pot_id, **ids(s))
        data = body(s) if callable(body) else body
        if api and not (data and "file" in data):
            return getattr(client, method)(url, data, content_type="application/json")
        return getattr(client, method)(url, data or {})

    return call


def _station(s: Any) -> dict[str, Any]:
    return {"station": s.station_id}


def _vote_only(s: Any) -> dict[str, Any]:
    return {}


def _fresh_station(s: Any) -> dict[str, Any]:
    station = s.new_station()
    code = apps.get_model("participation", "PollingStation").objects.get(pk=station).code
    return {"station": station, "code": code}


def _paper_upload(s: Any) -> dict[str, Any]:
    """A fresh station (each official's entry is a first entry) and its file."""
    ids = _fresh_station(s)
    upload = SimpleUploadedFile("papel.csv", f"station,sheet,PM-0001\n{ids['code']},1,x\n".encode())
    s.upload = {"pot": s.pot_id, "kind": "sheets", "file": upload}
    return ids


def _disputed(s: Any) -> dict[str, Any]:
    return {"station": s.new_disputed()}


MATRIX.update(
    {
        "participation:stations": [
            (
                VOTE_STAFF,
                on_stations("get", "/participation/votes/{vote}/stations/", _vote_only, api=False),
            ),
            (
                MANAGER,
                on_stations(
                    "post",
                    "/participation/votes/{vote}/stations/",
                    _vote_only,
                    lambda s: {"code": s.new_document(), "name": "n", "place": "p", "unit": ""},
                    api=False,
                ),
            ),
        ],
        "participation:station": [
            (
                VOTE_STAFF,
                on_stations(
                    "get", "/participation/votes/{vote}/stations/{station}/", _station, api=False
                ),
            )
        ],
        "participation:station_official_add": [
            (
                MANAGER,
                on_stations(
                    "post",
                    "/participation/votes/{vote}/stations/{station}/officials/",
                    _station,
                    lambda s: {"email": s.new_official().email},
                    api=False,
                ),
            )
        ],
        "participation:station_ballot": [
            (
                OFFICIALS,
                on_stations(
                    "get",
                    "/participation/votes/{vote}/stations/{station}/ballot/",
                    _station,
                    api=False,
                ),
            ),
            (
                OFFICIALS,
                on_stations(
                    "post",
                    "/participation/votes/{vote}/stations/{station}/ballot/",
                    _station,
                    lambda s: {
                        "pot": s.pot_id,
                        "document_type": "ine",
                        "document_number": s.new_document(),
                        "choice": [s.proposal_id],
                    },
                    api=False,
                ),
            ),
        ],
        "participation:station_paper": [
            (
                OFFICIALS,
                on_stations(
                    "post",
                    "/participation/votes/{vote}/stations/{station}/paper/",
                    _paper_upload,
                    lambda s: s.upload,
                    api=False,
                ),
            )
        ],
        "participation:station_resolve": [
            (
                MANAGER,
                on_stations(
                    "post",
                    "/participation/votes/{vote}/stations/{station}/pots/{pot}/resolve/",
                    _disputed,
                    api=False,
                ),
            )
        ],
        "api:station_list": [
            (VOTE_STAFF, on_stations("get", "/api/v1/votes/{vote}/stations", _vote_only, api=True))
        ],
        "api:station_create": [
            (
                MANAGER,
                on_stations(
                    "post",
                    "/api/v1/votes/{vote}/stations",
                    _vote_only,
                    lambda s: {"code": s.new_document(), "name": "n", "place": "p"},
                    api=True,
                ),
            )
        ],
        "api:station_official_assign": [
            (
                MANAGER,
                on_stations(
                    "post",
                    "/api/v1/votes/{vote}/stations/{station}/officials",
                    _station,
                    lambda s: {"user_id": s.new_official().pk},
                    api=True,
                ),
            )
        ],
        "api:station_ballot_enter": [
            (
                OFFICIALS,
                on_stations(
                    "post",
                    "/api/v1/votes/{vote}/stations/{station}/ballots",
                    _station,
                    lambda s: {
                        "pot": s.pot_id,
                        "document_type": "ine",
                        "document_number": s.new_document(),
                        "choices": [{"proposal": s.proposal_id}],
                    },
                    api=True,
                ),
            )
        ],
        "api:paper_list": [
            (
                VOTE_STAFF,
                on_stations(
                    "get", "/api/v1/votes/{vote}/stations/{station}/paper", _station, api=True
                ),
            )
        ],
        "api:paper_entry_import": [
            (
                OFFICIALS,
                on_stations(
                    "post",
                    "/api/v1/votes/{vote}/stations/{station}/paper",
                    _paper_upload,
                    lambda s: s.upload,
                    api=True,
                ),
            )
        ],
        "api:open_data_catalogue": [(PUBLIC, api_json("get", "/api/v1/open-data/"))],
        "api:paper_tally_resolve": [
            (
                MANAGER,
                on_stations(
                    "post",
                    "/api/v1/votes/{vote}/stations/{station}/pots/{pot}/resolve",
                    _disputed,
                    {"sheets": {"1": {}}},
                    api=True,
                ),
            )
        ],
    }
)


# Census lists and one-time codes (issue 8, second half). The public pages and endpoints are
# open to anybody who may see the programme (a role in it: Lima is not public).
def _census(v: Any) -> dict[str, Any]:
    return {"vote": v.census_id, "pot": v.census_pot_id}


def _census_file(client: Client, ctx: Ctx) -> Any:
    upload = SimpleUploadedFile(
        "census.csv", b"document_type,document_number,birth_date\nINE,FILE-1,1970-01-01\n"
    )
    return client.post(f"/api/v1/votes/{ctx.votes.census_id}/census", {"file": upload})


def _census_page_file(client: Client, ctx: Ctx) -> Any:
    upload = SimpleUploadedFile(
        "census.csv", b"document_type,document_number,birth_date\nINE,FILE-2,1970-01-01\n"
    )
    return client.post(f"/participation/votes/{ctx.votes.census_id}/census/", {"file": upload})


def _census_ballot_body(v: Any) -> dict[str, Any]:
    return {**v.new_census_person(True), "choices": [{"proposal": v.census_proposal_id}]}


def _census_identify_form(v: Any) -> dict[str, Any]:
    return {**v.new_census_person(False), "channel": "sms"}


MATRIX.update(
    {
        "participation:census": [
            (
                ROLE_READERS,
                on_votes("get", "/participation/votes/{vote}/census/", _census, api=False),
            ),
            (MANAGER, _census_page_file),
        ],
        "participation:census_identify": [
            (
                EVERY_ROLE,
                on_votes("get", "/participation/votes/{vote}/identify/", _census, api=False),
            ),
            (
                EVERY_ROLE,
                on_votes(
                    "post",
                    "/participation/votes/{vote}/identify/",
                    _census,
                    _census_identify_form,
                    api=False,
                ),
            ),
        ],
        "participation:census_ballot": [
            (
                EVERY_ROLE,
                on_votes(
                    "get",
                    "/participation/votes/{vote}/pots/{pot}/census-ballot/",
                    _census,
                    api=False,
                ),
            )
        ],
        "api:census_import_file": [(MANAGER, _census_file)],
        "api:census_list": [
            (ROLE_READERS, on_votes("get", "/api/v1/votes/{vote}/census", _census, api=True))
        ],
        "api:census_code": [
            (
                EVERY_ROLE,
                on_votes(
                    "post",
                    "/api/v1/votes/{vote}/census/codes",
                    _census,
                    lambda v: {**v.new_census_person(False), "channel": "sms"},
                    api=True,
                ),
            )
        ],
        "api:census_ballot": [
            (
                EVERY_ROLE,
                on_votes(
                    "post",
                    "/api/v1/votes/{vote}/pots/{pot}/census-ballots",
                    _census,
                    _census_ballot_body,
                    api=True,
                ),
            )
        ],
    }
)


# Participation, calls half (issue 7): calls, community groups, proposals. Lima is not a
# public programme, so what is public in a public programme is for every role here.
PROPOSAL_STAFF = Anywhere({Role.PROGRAMME_MANAGER, Role.MUNICIPAL_TEAM, Role.AUDITOR})
REPRESENTATIVES = Anywhere({Role.COMMUNITY_REPRESENTATIVE})
MATRIX.update(
    {
        "participation:call_list": [
            (EVERY_ROLE, page("get", "/participation/programmes/{slug}/calls/"))
        ],
        "participation:call_new": [
            (MANAGER, page("get", "/participation/programmes/{slug}/calls/new/"))
        ],
        "participation:call_detail": [(EVERY_ROLE, page("get", "/participation/calls/{call_id}/"))],
        "participation:call_edit": [(MANAGER, page("get", "/participation/calls/{call_id}/edit/"))],
        "participation:call_publish": [
            (MANAGER, page("post", "/participation/calls/{call_id}/publish/"))
        ],
        "participation:group_new": [
            (REPRESENTATIVES, page("get", "/participation/programmes/{slug}/groups/new/"))
        ],
        "participation:group_detail": [
            (EVERY_ROLE, page("get", "/participation/groups/{group_id}/")),
            (REPRESENTATIVE, page("post", "/participation/groups/{group_id}/", {"remove": "0"})),
        ],
        "participation:proposal_new": [
            (REPRESENTATIVE, page("get", "/participation/calls/{call_id}/proposals/new/"))
        ],
        # A photo of a submitted proposal; who reads its documents: test_attachment_pages.py.
        "participation:attachment": [
            (EVERY_ROLE, page("get", "/participation/attachments/{photo_id}/"))
        ],
        "participation:proposal_detail": [
            (EVERY_ROLE, page("get", "/participation/proposals/{proposal_id}/"))
        ],
        "participation:proposal_step": [
            (REPRESENTATIVE, page("get", "/participation/proposals/{draft_id}/edit/budget/"))
        ],
        "participation:proposal_submit": [
            (REPRESENTATIVE, page("post", "/participation/proposals/{draft_id}/submit/"))
        ],
        "participation:proposal_staff_list": [
            (PROPOSAL_STAFF, page("get", "/participation/calls/{call_id}/proposals/"))
        ],
        "participation:proposal_export": [
            (PROPOSAL_STAFF, page("get", "/participation/calls/{call_id}/proposals.csv")),
            (PROPOSAL_STAFF, page("get", "/participation/calls/{call_id}/proposals.xlsx")),
        ],
    }
)
FRESH = iter(range(1, 1_000_000))


def call_body(ctx: Ctx) -> dict[str, Any]:
    """A call of Lima open for submissions in Miraflores, under a new short name."""
    now = dt.datetime.now(dt.UTC)
    day = dt.timedelta(days=1)
    return {
        "slug": f"c{next(FRESH)}",
        "title": "m",
        "submission_opens_at": (now - day).isoformat(),
        "submission_closes_at": (now + 10 * day).isoformat(),
        "review_closes_at": (now + 20 * day).isoformat(),
        "assemblies_close_at": (now + 30 * day).isoformat(),
        "results_at": (now + 40 * day).isoformat(),
        "max_project_cents": 100,
        "total_cents": 1000,
        "kinds": ["park"],
        "unit_ids": [ctx.unit_id],
        "criteria": [{"code": "c", "name": "c"}],
    }


def proposal_body(ctx: Ctx) -> dict[str, Any]:
    return {"group_id": ctx.group_id, "title": "m", "kind": "park", "unit_id": ctx.unit_id}


MATRIX.update(
    {
        "api:call_list": [(EVERY_ROLE, api_json("get", "/api/v1/programmes/{slug}/calls"))],
        "api:call_create": [
            (MANAGER, api_json("post", "/api/v1/programmes/{slug}/calls", call_body))
        ],
        "api:call_read": [(EVERY_ROLE, api_json("get", "/api/v1/calls/{call_id}"))],
        "api:call_update": [
            (
                MANAGER,
                api_json("put", "/api/v1/calls/{call_id}", lambda c: {**call_body(c), "slug": "m"}),
            )
        ],
        "api:call_publish": [
            (MANAGER, on_fresh("fresh_call", "post", "/api/v1/calls/{fresh}/publish"))
        ],
        "api:group_register": [
            (
                REPRESENTATIVES,
                api_json(
                    "post",
                    "/api/v1/programmes/{slug}/groups",
                    lambda c: {"name": f"g{next(FRESH)}", "unit_id": c.unit_id},
                ),
            )
        ],
        "api:group_read": [(EVERY_ROLE, api_json("get", "/api/v1/groups/{group_id}"))],
        "api:group_member_add": [
            (
                REPRESENTATIVE,
                api_json(
                    "post",
                    "/api/v1/groups/{group_id}/members",
                    lambda c: {"full_name": f"p{next(FRESH)}", "unit_id": c.unit_id},
                ),
            )
        ],
        "api:proposal_list": [
            (PROPOSAL_STAFF, api_json("get", "/api/v1/calls/{call_id}/proposals"))
        ],
        "api:proposal_create": [
            (REPRESENTATIVE, api_json("post", "/api/v1/calls/{call_id}/proposals", proposal_body))
        ],
        "api:proposal_read": [(EVERY_ROLE, api_json("get", "/api/v1/proposals/{proposal_id}"))],
        "api:proposal_update": [
            (REPRESENTATIVE, api_json("put", "/api/v1/proposals/{draft_id}", proposal_body))
        ],
        "api:proposal_submit": [
            (REPRESENTATIVE, api_json("post", "/api/v1/proposals/{ready_id}/submit"))
        ],
        "api:attachment_add": [
            (
                REPRESENTATIVE,
                page(
                    "post",
                    "/api/v1/proposals/{draft_id}/attachments",
                    lambda c: {
                        "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n"),
                        "title": "a",
                    },
                ),
            )
        ],
        "api:signature_add": [
            (
                REPRESENTATIVE,
                api_json(
                    "post",
                    "/api/v1/proposals/{draft_id}/signatures",
                    lambda c: {
                        "full_name": "p",
                        "document_number": f"d{next(FRESH)}",
                        "unit_id": c.unit_id,
                    },
                ),
            )
        ],
    }
)


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Any) -> None:
    """Files attached to proposals go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path


def build_participation(world: Any) -> tuple[Actor, dict[str, Any]]:
    """A published call of Lima open for submissions in Miraflores, a group there with its
    representative (an actor of its own), a submitted proposal and a draft. Participation
    sits above accounts: its objects are made by name."""
    now = dt.datetime.now(dt.UTC)
    call = apps.get_model("participation", "Call").objects.create(
        programme=world.lima,
        slug="m",
        title="m",
        status="published",
        submission_opens_at=now - dt.timedelta(days=1),
        submission_closes_at=now + dt.timedelta(days=10),
        review_closes_at=now + dt.timedelta(days=20),
        assemblies_close_at=now + dt.timedelta(days=30),
        results_at=now + dt.timedelta(days=40),
        kinds=["park"],
        max_project_cents=100,
        total_cents=1000,
    )
    call.units.set([world.miraflores])
    user = make_user("representative@miraflores.pe")
    grant(user, Role.COMMUNITY_REPRESENTATIVE, world.lima, world.miraflores)
    group = apps.get_model("participation", "CommunityGroup").objects.create(
        programme=world.lima, name="m", unit=world.miraflores, representative=user
    )
    # Enough residents and a boundary, for the one complete draft to be submitted.
    for number in range(5):
        apps.get_model("participation", "GroupMember").objects.create(
            group=group,
            full_name=f"r{number}",
            name_index=blind_index(f"r{number}", purpose="group-member"),
            unit=world.miraflores,
        )
    if not world.miraflores.geometry:
        world.miraflores.geometry = json.dumps(
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
        )
        world.miraflores.save(update_fields=["geometry"])
    proposal_model = apps.get_model("participation", "Proposal")
    ready = proposal_model.objects.create(
        call=call,
        group=group,
        unit=world.miraflores,
        title="r",
        kind="park",
        diagnosis="d",
        objectives="o",
        location={"type": "Point", "coordinates": [0.5, 0.5]},
        total_cents=10,
    )
    apps.get_model("participation", "BudgetLine").objects.create(
        proposal=ready, concept="c", quantity=1, unit="u", unit_cost_cents=10, total_cents=10
    )
    call_model = apps.get_model("participation", "Call")

    def fresh_call() -> int:
        values = {
            f.name: getattr(call, f.name)
            for f in call_model._meta.concrete_fields
            if f.name not in {"id", "slug", "status", "created_at", "updated_at"}
        }
        made = call_model.objects.create(**values, slug=f"f{next(FRESH)}", status="draft")
        made.units.set([world.miraflores])
        made.criteria.create(code="c", name="c")
        return made.pk

    made = {
        name: proposal_model.objects.create(
            call=call,
            group=group,
            unit=world.miraflores,
            title=name,
            kind="park",
            status=status,
            reference=reference,
        ).pk
        for name, status, reference in (("s", "submitted", "M-0001"), ("d", "draft", ""))
    }
    photo = apps.get_model("participation", "Attachment").objects.create(
        proposal_id=made["s"],
        kind="photo",
        title="p",
        file=ContentFile(b"\xff\xd8\xff\xd9", name="p.jpg"),
        content_type="image/jpeg",
        size=4,
        sha256="",
    )
    actor = Actor(
        "the group's representative",
        signed_in_client(user),
        Role.COMMUNITY_REPRESENTATIVE,
        False,
        representative=True,
    )
    return actor, {
        "call_id": call.pk,
        "group_id": group.pk,
        "proposal_id": made["s"],
        "draft_id": made["d"],
        "ready_id": ready.pk,
        "photo_id": photo.pk,
        "fresh_call": fresh_call,
    }


def url_names(patterns: list[Any] | None = None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else (pattern.namespace or namespace)
            )
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_page_and_endpoint_has_a_row_in_the_matrix():
    """A new page or API operation must say who may use it."""
    assert sorted(url_names() - set(MATRIX)) == []
    assert sorted(set(MATRIX) - url_names()) == []


# Cash assistance (issue 10, part A): read by managers, payments officers and auditors of
# the whole programme; rules and lists made by managers and officers, approved by managers;
# budget, cycles and rates set by managers. Data: barrio/registry/tests/payments_matrix.py.
CASH_READERS = frozenset({Role.PROGRAMME_MANAGER, Role.PAYMENTS_OFFICER, Role.AUDITOR})
CASH_RUNNERS = frozenset({Role.PROGRAMME_MANAGER, Role.PAYMENTS_OFFICER})


MATRIX.update(
    {
        "registry:eligibility": [
            (CASH_READERS, page("get", "/registry/programmes/{slug}/eligibility/")),
            (
                CASH_RUNNERS,
                page("post", "/registry/programmes/{slug}/eligibility/", cash_data.RULE_FORM),
            ),
        ],
        "registry:eligibility_rule": [
            (CASH_READERS, page("get", "/registry/programmes/{slug}/eligibility/rules/{rule_id}/")),
            (
                CASH_RUNNERS,
                page("post", "/registry/programmes/{slug}/eligibility/rules/{rule_id}/"),
            ),
        ],
        "registry:target_list": [
            (CASH_READERS, page("get", "/registry/programmes/{slug}/target-lists/{list_id}/")),
            (
                MANAGER,
                on_fresh(
                    "fresh_list",
                    "post",
                    "/registry/programmes/{slug}/target-lists/{fresh}/",
                    caller=page,
                ),
            ),
        ],
        "registry:cycles": [
            (CASH_READERS, page("get", "/registry/programmes/{slug}/cycles/")),
            (
                MANAGER,
                page(
                    "post",
                    "/registry/programmes/{slug}/cycles/",
                    {"action": "rate", **cash_data.RATE},
                ),
            ),
        ],
        "registry:cycle": [
            (CASH_READERS, page("get", "/registry/programmes/{slug}/cycles/{cycle_id}/"))
        ],
        "api:eligibility_rule_list": [
            (CASH_READERS, api_json("get", "/api/v1/programmes/{slug}/eligibility-rules"))
        ],
        "api:eligibility_rule_create": [
            (
                CASH_RUNNERS,
                api_json("post", "/api/v1/programmes/{slug}/eligibility-rules", cash_data.RULE),
            )
        ],
        "api:target_list_create": [
            (
                CASH_RUNNERS,
                api_json(
                    "post", "/api/v1/programmes/{slug}/eligibility-rules/{rule_id}/target-lists"
                ),
            )
        ],
        "api:target_list_list": [
            (CASH_READERS, api_json("get", "/api/v1/programmes/{slug}/target-lists"))
        ],
        "api:target_list_detail": [
            (CASH_READERS, api_json("get", "/api/v1/programmes/{slug}/target-lists/{list_id}"))
        ],
        "api:target_list_approve": [
            (
                MANAGER,
                on_fresh(
                    "fresh_list", "post", "/api/v1/programmes/{slug}/target-lists/{fresh}/approve"
                ),
            )
        ],
        "api:cash_budget_put": [
            (
                MANAGER,
                api_json(
                    "put",
                    "/api/v1/programmes/{slug}/cash-budget",
                    {"currency": "PEN", "total_cents": 10**12},
                ),
            )
        ],
        "api:cycle_list": [(CASH_READERS, api_json("get", "/api/v1/programmes/{slug}/cycles"))],
        "api:cycle_create": [
            (MANAGER, api_json("post", "/api/v1/programmes/{slug}/cycles", cash_data.CYCLE))
        ],
        "api:cycle_detail": [
            (CASH_READERS, api_json("get", "/api/v1/programmes/{slug}/cycles/{cycle_id}"))
        ],
        "api:exchange_rate_list": [
            (CASH_READERS, api_json("get", "/api/v1/programmes/{slug}/exchange-rates"))
        ],
        "api:exchange_rate_create": [
            (MANAGER, api_json("post", "/api/v1/programmes/{slug}/exchange-rates", cash_data.RATE))
        ],
    }
)


# Cash assistance, payment plans (issue 10): made by payments officers, approved by a
# manager, authorized and released by payments officers (three different people, checked
# by the services); the encrypted files downloaded by who may export personal data; a
# household's payment details recorded by who may change its personal data.
PLAN_MAKERS = frozenset({Role.PAYMENTS_OFFICER})
FILE_READERS = frozenset({Role.PAYMENTS_OFFICER, Role.AUDITOR})


def plan_ids(ctx: Ctx) -> dict[str, Any]:
    return {"target_list": ctx.approved_list_id}


MATRIX.update(
    {
        "registry:payment_plan_new": [
            (
                PLAN_MAKERS,
                page("post", "/registry/programmes/{slug}/cycles/{cycle_id}/plans/new/", plan_ids),
            )
        ],
        "registry:payment_plan": [
            (CASH_READERS, page("get", "/registry/programmes/{slug}/payment-plans/{plan_id}/")),
            (
                MANAGER,
                on_fresh(
                    "fresh_plan",
                    "post",
                    "/registry/programmes/{slug}/payment-plans/{fresh}/",
                    {"step": "approve"},
                    caller=page,
                    args=("draft",),
                ),
            ),
            (
                PLAN_MAKERS,
                on_fresh(
                    "fresh_plan",
                    "post",
                    "/registry/programmes/{slug}/payment-plans/{fresh}/",
                    {"step": "authorize"},
                    caller=page,
                    args=("approved",),
                ),
            ),
            (
                PLAN_MAKERS,
                on_fresh(
                    "fresh_plan",
                    "post",
                    "/registry/programmes/{slug}/payment-plans/{fresh}/",
                    {"step": "release"},
                    caller=page,
                    args=("authorized",),
                ),
            ),
        ],
        "registry:payment_file": [
            (FILE_READERS, page("get", "/registry/programmes/{slug}/payment-files/{file_id}/"))
        ],
        "registry:delivery_account": [
            (PERSONAL_WRITERS, page("get", "/registry/households/{household_id}/payment-details/")),
            (
                PERSONAL_WRITERS,
                page(
                    "post",
                    "/registry/households/{household_id}/payment-details/",
                    {"provider": "yape", "phone": "987654321"},
                ),
            ),
        ],
        "api:delivery_account_put": [
            (
                PERSONAL_WRITERS,
                api_json(
                    "put",
                    "/api/v1/households/{household_id}/delivery-account",
                    {"provider": "yape", "details": {"phone": "987654321"}},
                ),
            )
        ],
        "api:payment_plan_list": [
            (CASH_READERS, api_json("get", "/api/v1/programmes/{slug}/payment-plans"))
        ],
        "api:payment_plan_create": [
            (
                PLAN_MAKERS,
                api_json(
                    "post",
                    "/api/v1/programmes/{slug}/cycles/{cycle_id}/payment-plans",
                    lambda ctx: {"target_list_id": ctx.approved_list_id},
                ),
            )
        ],
        "api:payment_plan_detail": [
            (CASH_READERS, api_json("get", "/api/v1/programmes/{slug}/payment-plans/{plan_id}"))
        ],
        "api:payment_plan_approve": [
            (
                MANAGER,
                on_fresh(
                    "fresh_plan",
                    "post",
                    "/api/v1/programmes/{slug}/payment-plans/{fresh}/approve",
                    args=("draft",),
                ),
            )
        ],
        "api:payment_plan_authorize": [
            (
                PLAN_MAKERS,
                on_fresh(
                    "fresh_plan",
                    "post",
                    "/api/v1/programmes/{slug}/payment-plans/{fresh}/authorize",
                    args=("approved",),
                ),
            )
        ],
        "api:payment_plan_release": [
            (
                PLAN_MAKERS,
                on_fresh(
                    "fresh_plan",
                    "post",
                    "/api/v1/programmes/{slug}/payment-plans/{fresh}/release",
                    args=("authorized",),
                ),
            )
        ],
        "registry:reconciliation": [
            (CASH_READERS, page("get", "/registry/programmes/{slug}/reconciliation/")),
            (
                PLAN_MAKERS,
                page(
                    "post",
                    "/registry/programmes/{slug}/reconciliation/",
                    cash_data.empty_result_file,
                ),
            ),
        ],
        "registry:reconciliation_import": [
            (
                CASH_READERS,
                page(
                    "get",
                    "/registry/programmes/{slug}/reconciliation/imports/{reconciliation_import_id}/",
                ),
            ),
        ],
        "registry:payments_dashboard": [
            (CASH_READERS, page("get", "/registry/programmes/{slug}/payments-dashboard/")),
            (
                CASH_READERS,
                page("get", "/registry/programmes/{slug}/payments-dashboard/?format=csv"),
            ),
        ],
        "registry:verification_new": [
            (
                PLAN_MAKERS,
                page("get", "/registry/programmes/{slug}/cycles/{plans_cycle_id}/verification/"),
            ),
            (
                PLAN_MAKERS,
                page(
                    "post",
                    "/registry/programmes/{slug}/cycles/{plans_cycle_id}/verification/",
                    {"size": 1, "seed": 2},
                ),
            ),
        ],
        "registry:verification": [
            (
                CASH_READERS,
                page("get", "/registry/programmes/{slug}/verifications/{verification_id}/"),
            ),
            (
                PLAN_MAKERS,
                page(
                    "post",
                    "/registry/programmes/{slug}/verifications/{verification_id}/",
                    lambda ctx: {"contact": ctx.contact_id, "answer": "received"},
                ),
            ),
        ],
        "api:reconciliation_import": [
            (
                PLAN_MAKERS,
                page(
                    "post",
                    "/api/v1/programmes/{slug}/reconciliation-imports",
                    cash_data.empty_result_file,
                ),
            )
        ],
        "api:reconciliation_sums": [
            (CASH_READERS, api_json("get", "/api/v1/programmes/{slug}/reconciliation"))
        ],
        "api:verification_draw": [
            (
                PLAN_MAKERS,
                api_json(
                    "post",
                    "/api/v1/programmes/{slug}/cycles/{plans_cycle_id}/verifications",
                    {"size": 1, "seed": 2},
                ),
            )
        ],
        "api:verification_detail": [
            (
                CASH_READERS,
                api_json("get", "/api/v1/programmes/{slug}/verifications/{verification_id}"),
            )
        ],
        "api:verification_answer": [
            (
                PLAN_MAKERS,
                api_json(
                    "post",
                    "/api/v1/programmes/{slug}/verifications/{verification_id}/contacts/{contact_id}",
                    {"answer": "received"},
                ),
            )
        ],
        "api:payment_file": [
            (FILE_READERS, api_json("get", "/api/v1/programmes/{slug}/payment-files/{file_id}"))
        ],
    }
)


def signed_in_client(user: Any) -> Client:
    """A client signed in with password and, where the user has one, a second factor."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def allowed(response: Any) -> bool:
    """A 2xx, or a redirect that is not to the sign-in or second-factor pages."""
    if response.status_code in {301, 302}:
        return not response["Location"].startswith(("/accounts/sign-in/", "/accounts/two-factor/"))
    return response.status_code < 400


@dataclass
class Actor:
    label: str
    client: Client
    role: Role | None  # the role held over Lima (None: no role there)
    whole_programme: bool
    owner: bool = False
    representative: bool = False  # the representative of the participation group


def build_actors(world: Any) -> list[Actor]:
    actors = [Actor("public", Client(), None, False)]
    for role in Role:
        here = make_user(f"{role}@lima.pe")
        grant(here, role, world.lima)
        actors.append(Actor(f"{role} of Lima", signed_in_client(here), role, True))
        limited = make_user(f"{role}@miraflores.pe")
        grant(limited, role, world.lima, world.lima_province)
        actors.append(Actor(f"{role} of Lima province", signed_in_client(limited), role, False))
        elsewhere = make_user(f"{role}@quito.ec")
        grant(elsewhere, role, world.quito)
        actors.append(Actor(f"{role} of Quito", signed_in_client(elsewhere), None, False))
    return actors


def expected(who: Who, actor: Actor) -> bool:
    signed_in = actor.label != "public"
    if who == PUBLIC:
        return True
    if who == SIGNED_IN:
        return signed_in
    if who == OWNER:
        return actor.owner
    if who == REPRESENTATIVE:
        return actor.representative
    if who == ADMINISTRATORS:
        return False
    if who == ASSIGNED:
        return actor.label == ASSIGNED_LABEL
    assert isinstance(who, frozenset)
    if actor.role is None or actor.role not in who:
        return False
    # Reading the programme and its units needs a role anywhere in it; everything else in
    # the matrix acts on the programme as a whole.
    return who == EVERY_ROLE or isinstance(who, Anywhere) or actor.whole_programme


# Every actor calls the census code endpoints from the same address: the per-address limit
# (test_code_rate_limit.py) would answer 429 before the permissions were tried.
@override_settings(BARRIO_CODE_RATE_LIMIT=1_000_000)
def test_permission_matrix():
    """Each row, tried by the public and by every role in scope, in part and out of scope."""
    world = build_world()
    actors = build_actors(world)
    owner_user = make_user("owner@lima.pe")
    owner = Actor("job owner", signed_in_client(owner_user), None, False, owner=True)
    actors.append(owner)
    representative, participation_ids = build_participation(world)
    actors.append(representative)
    job = Job.objects.create(kind="t", title="t", created_by=owner_user)
    organisation = organisation_create(
        name="Municipalidad de Lima", kind="municipality", country="PE", programmes=[world.lima]
    )
    need = indicator_define(code="need", name="Need", kind="index")
    IndicatorValue.objects.create(indicator=need, unit=world.miraflores, period="2020", value=1)
    # The registry sits above accounts: its household is made by name, not by import.
    household = apps.get_model("registry", "Household").objects.create(
        programme=world.lima, unit=world.miraflores, residence_status="migrant"
    )
    planner, approver = make_user("planner@lima.pe"), make_user("approver@lima.pe")
    grant(planner, Role.PROGRAMME_MANAGER, world.lima)
    grant(approver, Role.PROGRAMME_MANAGER, world.lima)
    votes = programme_votes(world.lima, world.miraflores, planner, approver)  # issue 8
    votes.paper = programme_stations(world.lima, world.miraflores, approver)

    fresh_run = fresh(
        targeting_run_create,
        actor=planner,
        programme=world.lima,
        spec=TargetingSpec(name="m", level="distrito", indicator="need", period="2020"),
    )
    draft = fresh_run()
    approved = targeting_run_approve(
        actor=approver, run=TargetingRun.objects.get(pk=fresh_run())
    ).pk
    split = apportionment_create(
        actor=planner,
        programme=world.lima,
        spec=ApportionmentSpec(
            name="m",
            total_cents=100,
            level="distrito",
            components=(ComponentSpec("equal", Fraction(1)),),
        ),
    ).pk
    people = [
        apps.get_model("registry", "Member").objects.create(
            household=household,
            given_names="Ana",
            family_name_1="Prueba",
            sex="female",
            nationality="PE",
            relationship=relationship,
        )
        for relationship in ("head", "sibling")
    ]
    cash = cash_data.build_cash(world, planner)  # cash assistance (issue 10, part A)
    task = apps.get_model("registry", "AdjudicationTask").objects.create(
        programme=world.lima,
        member_low=people[0],
        member_high=people[1],
        probability=0.9,
        rule="matcher",
    )
    batch = apps.get_model("registry", "ImportBatch").objects.create(
        programme=world.lima, file_name="f.csv", format="csv"
    )
    # Committee review and assemblies (participation, review half).
    assigned, review = build_review_data(world)
    actors.append(Actor(ASSIGNED_LABEL, signed_in_client(assigned), Role.COMMITTEE_MEMBER, True))
    # Grievances (issue 10 part B): cases in Miraflores, recorded by a caseworker of Lima.
    from barrio.registry.services.grievances import grievance_record

    handler = make_user("handler@lima.pe")
    grant(handler, Role.CASEWORKER, world.lima)

    fresh_case = fresh(
        grievance_record,
        actor=handler,
        programme=world.lima,
        unit=world.miraflores,
        category="payment",
        channel="desk",
        description="Caso de prueba.",
        contact_name="Persona Sintética",
        contact_phone="+51 900 000 000",
    )
    case_id, sensitive_id = fresh_case(), fresh_case(category="protection")
    from barrio.registry.services.data_changes import data_change_request

    asker = make_user("asker@lima.pe")
    grant(asker, Role.MUNICIPAL_TEAM, world.lima)

    fresh_change = fresh(
        data_change_request,
        actor=asker,
        household=household,
        field="address",
        new_value="Calle Nueva 1",
        reason="Se mudó.",
    )
    change_id = fresh_change()
    from barrio.registry.services.messages import message_campaign_start, message_template_save
    from barrio.registry.services.referrals import referral_make

    fresh_referral = fresh(
        referral_make,
        actor=handler,
        programme=world.lima,
        organisation=organisation,
        service="health",
        household=household,
    )
    referral_id = fresh_referral()
    message = message_template_save(
        actor=planner, programme=world.lima, name="m", bodies={"es": "Hola {given_name}."}
    )
    campaign_id = message_campaign_start(actor=planner, template=message, filters={}, values={}).pk
    failures = []
    checked = 0
    for name, rows in MATRIX.items():
        for who, call in rows:
            if call is None:
                continue
            for actor in actors:
                # Fresh objects for each call: a grant to change, a token of the caller.
                target = grant(make_user(f"target{checked}@lima.pe"), Role.RESIDENT, world.lima)
                user = actor.client.session.get("_auth_user_id")
                token_id = 0
                if user:
                    token, _plain = api_token_create(
                        actor=type(owner_user).objects.get(pk=user),
                        name="m",
                        days=1,
                        second_factor=True,
                    )
                    token_id = token.pk
                ctx = Ctx(
                    "lima",
                    target.pk,
                    token_id,
                    str(job.pk),
                    world.miraflores.pk,
                    organisation.pk,
                    household.pk,
                    draft,
                    approved,
                    split,
                    fresh_run,
                    batch.pk,
                    task.pk,
                    **review,
                )
                ctx.grievance_id, ctx.sensitive_id = case_id, sensitive_id
                ctx.handler_id, ctx.fresh_case = handler.pk, fresh_case
                ctx.change_id, ctx.fresh_change = change_id, fresh_change
                ctx.__dict__.update(cash)
                for key, value in participation_ids.items():
                    setattr(ctx, key, value)
                ctx.votes = votes
                ctx.referral_id, ctx.fresh_referral = referral_id, fresh_referral
                ctx.template_id, ctx.campaign_id = message.pk, campaign_id
                response = call(actor.client, ctx)
                checked += 1
                want = expected(who, actor)
                got = allowed(response)
                if response.status_code >= 500 or want != got:
                    failures.append(
                        f"{name} by {actor.label}: {response.status_code}, expected "
                        f"{'allowed' if want else 'denied'}"
                    )
    assert failures == []
    assert checked > 500
    assert ApiToken.objects.exists()
