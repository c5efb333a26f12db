"""``manage.py run_targeting`` stores a draft and prints the chosen units, or names the errors."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from barrio.planning.models import TargetingRun
from barrio.planning.tests.factories import build_plan

pytestmark = pytest.mark.django_db

ARGS = [
    "--programme",
    "plan",
    "--user",
    "team@example.org",
    "--name",
    "R1",
    "--level",
    "distrito",
    "--indicator",
    "need",
    "--period",
    "2025",
    "--max-units",
    "2",
]


def test_the_command_stores_a_draft_and_prints_the_choice():
    build_plan()
    out = io.StringIO()
    call_command("run_targeting", *ARGS, stdout=out)
    run = TargetingRun.objects.get()
    assert run.selected_count == 2
    assert "2 chosen of 7 eligible among 8 units" in out.getvalue()
    assert "N1\tDistrict N1\t" in out.getvalue()


def test_a_bad_parameter_is_named_and_nothing_is_stored():
    build_plan()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("run_targeting", *ARGS, "--group-level", "barrio", stderr=err)
    assert "body group_level" in err.getvalue()
    assert not TargetingRun.objects.exists()
