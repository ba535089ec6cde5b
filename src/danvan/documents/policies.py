from danvan.core import scope
from danvan.core.roles import STAFF_ROLES, Domain, Role

scope.register(
    {
        # The register: every staff member reads the documents of their units (and central ones).
        "documents.view": STAFF_ROLES,
        # Register, edit, attach files, relate documents, import registers.
        "documents.change": {Role.OFFICER, Role.TERRITORY_ADMIN},
        # Document types are reference data shared by everyone.
        "documents.configure": {Role.TERRITORY_ADMIN},
    },
    domain=Domain.DOCUMENTS,
)
