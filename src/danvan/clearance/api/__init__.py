"""The land-clearance API under /api/v1/clearance; each module brings its own router."""

from ninja import Router

from danvan.clearance.api import dashboard, donations, households, mobilisation, projects

router = Router(tags=["clearance"])
router.add_router("/projects", projects.router)
router.add_router("/households", households.router)
router.add_router("/", mobilisation.router)
router.add_router("/donations", donations.router)
router.add_router("/dashboard", dashboard.router)
