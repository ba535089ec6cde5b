"""Territory actions. The list of administrative units is public law, so every staff role may
browse it; what is filed under a unit is guarded by each app's own actions."""

from danvan.core import scope
from danvan.core.roles import STAFF_ROLES, Role

scope.register(
    {
        "territories.view": STAFF_ROLES,
        "territories.switch": STAFF_ROLES,
        "territories.import": {Role.SYSTEM_ADMIN},
    }
)
