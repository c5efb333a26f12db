"""Fixtures the participation tests share."""

from __future__ import annotations

import pytest
from django.test import override_settings


@pytest.fixture
def recording_sender():
    """SMS go to ``census_factories.RecordingSender``, which the tests read codes from."""
    with override_settings(
        BARRIO_MESSAGE_SENDER="barrio.participation.tests.census_factories.RecordingSender"
    ):
        yield
