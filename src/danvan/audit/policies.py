from danvan.core import scope
from danvan.core.roles import Role

scope.register(
    {
        # The full trail of a territory; an object's own history follows the object's view action.
        "audit.view": {Role.TERRITORY_ADMIN, Role.LEADER},
        "audit.verify": {Role.SYSTEM_ADMIN},
    }
)
