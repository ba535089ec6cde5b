from danvan.core import scope
from danvan.core.roles import STAFF_ROLES, Domain, Role

scope.register(
    {
        "initiatives.view": STAFF_ROLES,
        # Register and edit drafts, withdraw a submission, record replications.
        "initiatives.change": {Role.TERRITORY_ADMIN, Role.OFFICER},
        "initiatives.submit": {Role.OFFICER, Role.TERRITORY_ADMIN},
        "initiatives.import": {Role.OFFICER, Role.TERRITORY_ADMIN},
        # Put a model before a council, return it for revision.
        "initiatives.review": {Role.REVIEWER, Role.LEADER},
        "initiatives.score": {Role.REVIEWER, Role.LEADER},
        # Scores and council remarks are internal to the councils and leaders.
        "initiatives.scores.view": {Role.REVIEWER, Role.LEADER, Role.TERRITORY_ADMIN},
        # Recognise or not, sign the decision, declare a model no longer in effect.
        "initiatives.decide": {Role.LEADER},
        "initiatives.propose": {Role.OFFICER, Role.LEADER},
        "initiatives.evaluate": {Role.LEADER, Role.REVIEWER},
        "initiatives.council.manage": {Role.LEADER, Role.TERRITORY_ADMIN},
    },
    domain=Domain.INITIATIVES,
)
