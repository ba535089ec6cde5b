from danvan.core import scope
from danvan.core.roles import STAFF_ROLES, Role

scope.register(
    {
        "organisations.view": STAFF_ROLES,
        "organisations.change": {Role.TERRITORY_ADMIN, Role.OFFICER},
        "organisations.delete": {Role.TERRITORY_ADMIN},
        "organisations.import": {Role.TERRITORY_ADMIN, Role.OFFICER},
        "organisations.kinds.change": {Role.SYSTEM_ADMIN},
    }
)
