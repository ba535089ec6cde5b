"""API of dialogues and petitions under /api/v1/dialogues (staff) and /api/v1/public/petitions."""

from ninja import Router

from danvan.dialogues.api import conferences, petitions, statistics

router = Router(tags=["dialogues"])
router.add_router("", petitions.router)
router.add_router("", conferences.router)
router.add_router("", statistics.router)
