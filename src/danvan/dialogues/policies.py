from danvan.core import scope
from danvan.core.roles import STAFF_ROLES, Domain, Role

scope.register(
    {
        "dialogues.view": STAFF_ROLES,
        # Conferences, yearly plans, petitions entered by staff, minutes.
        "dialogues.change": {Role.OFFICER, Role.TERRITORY_ADMIN},
        # Route petitions: assign, transfer, merge duplicates, hide spam.
        "dialogues.assign": {Role.OFFICER, Role.LEADER},
        # Work on a petition and answer it, close or reopen it.
        "dialogues.handle": {Role.OFFICER, Role.LEADER},
        # Deadline rules per field and channel.
        "dialogues.configure": {Role.TERRITORY_ADMIN, Role.LEADER},
        # The submitter's full citizen ID, phone and e-mail; every view is logged (core.personal).
        "dialogues.personal": {Role.OFFICER, Role.LEADER},
    },
    domain=Domain.DIALOGUES,
)
