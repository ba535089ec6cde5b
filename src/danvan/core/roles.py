from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    TERRITORY_ADMIN = "territory_admin", _("Territory administrator")
    REVIEWER = "reviewer", _("Council member (reviewer)")
    OFFICER = "officer", _("Officer (editor)")
    LEADER = "leader", _("Leader (read and approve)")
    VIEWER = "viewer", _("Viewer")


class Domain(models.TextChoices):
    """The work areas a grant can be narrowed to; empty means every area."""

    ALL = "", _("All domains")
    INITIATIVES = "initiatives", _("Skilled Mass Mobilisation models")
    CLEARANCE = "clearance", _("Land clearance")
    DIALOGUES = "dialogues", _("Dialogues and petitions")
    DOCUMENTS = "documents", _("Documents, plans and campaigns")


STAFF_ROLES = frozenset(
    {Role.TERRITORY_ADMIN, Role.REVIEWER, Role.OFFICER, Role.LEADER, Role.VIEWER}
)
