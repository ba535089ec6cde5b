from django.conf import settings
from django.http import HttpRequest

from danvan.core import current_territory, notifications, scope


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"commission_name": settings.DANVAN_COMMISSION_NAME}
    territory = current_territory.get(request)
    return {
        "commission_name": settings.DANVAN_COMMISSION_NAME,
        "current_territory": territory,
        "territory_breadcrumb": current_territory.breadcrumb(territory),
        "unread_notifications": notifications.unread_count(user),
        "nav": {
            "organisations": scope.can_anywhere(user, "organisations.view"),
            "initiatives": scope.can_anywhere(user, "initiatives.view"),
            "clearance": scope.can_anywhere(user, "clearance.view"),
            "dialogues": scope.can_anywhere(user, "dialogues.view"),
            "documents": scope.can_anywhere(user, "documents.view"),
            "plans": scope.can_anywhere(user, "plans.view"),
            "reports": scope.can_anywhere(user, "reports.view"),
            "users": scope.can_anywhere(user, "accounts.user.view"),
            "audit": scope.can_anywhere(user, "audit.view"),
            "admin": scope.is_system_admin(user),
        },
    }
