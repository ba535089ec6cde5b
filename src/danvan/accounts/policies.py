from danvan.core import scope
from danvan.core.roles import Role

scope.register(
    {
        "accounts.user.view": {Role.TERRITORY_ADMIN, Role.LEADER},
        "accounts.user.manage": {Role.TERRITORY_ADMIN},
        "accounts.user.import": {Role.TERRITORY_ADMIN},
    }
)
