"""API of participation, one module per subject, mounted on one router."""

from ninja import Router

router = Router(tags=["participation"])
