"""API of the registry, one module per subject, mounted on one router."""

from ninja import Router

from barrio.registry.api.households import router as households_router

router = Router(tags=["registry"])
router.add_router("", households_router)
