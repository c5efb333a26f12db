"""API of participation, one module per subject, mounted on one router."""

from ninja import Router

from barrio.participation.api.assemblies import router as assemblies_router
from barrio.participation.api.calls import router as calls_router
from barrio.participation.api.census import router as census_router
from barrio.participation.api.groups import router as groups_router
from barrio.participation.api.open_data import router as open_data_router
from barrio.participation.api.paper import router as paper_router
from barrio.participation.api.proposals import router as proposals_router
from barrio.participation.api.reviews import router as reviews_router
from barrio.participation.api.votes import router as votes_router

router = Router(tags=["participation"])
# Calls, community groups and proposals (the calls half of issue 7).
router.add_router("", calls_router)
router.add_router("", groups_router)
router.add_router("", proposals_router)
# Committee review and assemblies (the review half of issue 7).
router.add_router("", reviews_router)
router.add_router("", assemblies_router)
router.add_router("", votes_router)  # votes, ballots, allocation runs (issue 8)
router.add_router("", census_router)  # census lists and one-time codes (issue 8)
router.add_router("", paper_router)  # polling stations and paper ballots (issue 8)
router.add_router("", open_data_router)  # the public open-data catalogue (issue 8)
