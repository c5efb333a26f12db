"""The planning services: every change to targeting runs and apportionments goes through them."""

from barrio.planning.services.apportionment import apportionment_create
from barrio.planning.services.targeting import (
    spec_of,
    targeting_prepare,
    targeting_run_approve,
    targeting_run_create,
)

__all__ = [
    "apportionment_create",
    "spec_of",
    "targeting_prepare",
    "targeting_run_approve",
    "targeting_run_create",
]
