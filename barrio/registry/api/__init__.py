"""API of the registry, one module per subject, mounted on one router."""

from ninja import Router

from barrio.registry.api.adjudication import router as adjudication_router
from barrio.registry.api.grievances import router as grievances_router
from barrio.registry.api.households import router as households_router
from barrio.registry.api.messages import router as messages_router
from barrio.registry.api.payment_plans import router as payment_plans_router
from barrio.registry.api.payments import router as payments_router
from barrio.registry.api.reconciliation import router as reconciliation_router

router = Router(tags=["registry"])
router.add_router("", households_router)
router.add_router("", grievances_router)  # grievances (issue 10 part B)
router.add_router("", adjudication_router)
router.add_router("", messages_router)  # messages (issue 10 part B)
router.add_router("", payments_router)  # cash assistance (issue 10, part A)
router.add_router("", payment_plans_router)  # cash assistance: payment plans (issue 10)
router.add_router("", reconciliation_router)  # cash assistance: reconciliation (issue 10)
