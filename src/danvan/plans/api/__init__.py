"""API of plans (/api/v1/plans) and campaigns (/api/v1/campaigns)."""

from danvan.plans.api.campaigns import router as campaigns_router
from danvan.plans.api.plans import router as plans_router

__all__ = ["campaigns_router", "plans_router"]
