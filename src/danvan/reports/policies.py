from danvan.core import scope
from danvan.core.roles import STAFF_ROLES, Domain, Role

scope.register(
    {
        "reports.view": STAFF_ROLES,
        # Generate a six-month or annual report for an organisation.
        "reports.generate": {Role.OFFICER, Role.LEADER, Role.TERRITORY_ADMIN},
        # Adjust the report templates (wording, recipients, signer block).
        "reports.configure": {Role.TERRITORY_ADMIN, Role.LEADER},
    },
    domain=Domain.DOCUMENTS,
)
