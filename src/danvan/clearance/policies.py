from danvan.core import scope
from danvan.core.roles import STAFF_ROLES, Domain, Role

scope.register(
    {
        "clearance.view": STAFF_ROLES,
        # Projects, households, plots, inventories, draft plans, donations, task forces, campaigns.
        "clearance.change": {Role.OFFICER, Role.TERRITORY_ADMIN},
        "clearance.import": {Role.OFFICER, Role.TERRITORY_ADMIN},
        # Visits and the household's answer (agrees or not): the people who do the persuading.
        "clearance.mobilise": {Role.OFFICER, Role.LEADER},
        # Approve compensation plans, suspend a project, order compulsory steps.
        "clearance.approve": {Role.LEADER},
        "clearance.pay": {Role.OFFICER},
        # Full citizen ID and phone numbers; every view is logged (core.personal).
        "clearance.personal": {Role.OFFICER, Role.LEADER},
    },
    domain=Domain.CLEARANCE,
)
