from danvan.core import scope
from danvan.core.roles import STAFF_ROLES, Domain, Role

scope.register(
    {
        "plans.view": STAFF_ROLES,
        # Draft plans and campaigns: goals, indicators, tasks, links, progress figures.
        "plans.change": {Role.OFFICER, Role.TERRITORY_ADMIN},
        # Approve a plan, submit a progress report, start and end campaigns, recognise winners.
        "plans.approve": {Role.LEADER, Role.TERRITORY_ADMIN},
    },
    domain=Domain.DOCUMENTS,
)
