"""(Filled in by the slice that builds these endpoints.)"""

from ninja import Router

router = Router(tags=["clearance"])
