"""API of participation, one module per subject, mounted on one router."""

from ninja import Router

from barrio.participation.api.assemblies import router as assemblies_router
from barrio.participation.api.reviews import router as reviews_router

router = Router(tags=["participation"])
# Committee review and assemblies (the review half of issue 7).
router.add_router("", reviews_router)
router.add_router("", assemblies_router)
