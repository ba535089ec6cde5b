"""Pages of land clearance; each views module declares its own patterns."""

from danvan.clearance.views import (
    dashboard,
    donations,
    exports,
    households,
    mobilisation,
    projects,
)

app_name = "clearance"

urlpatterns = [
    *projects.urlpatterns,
    *households.urlpatterns,
    *mobilisation.urlpatterns,
    *donations.urlpatterns,
    *dashboard.urlpatterns,
    *exports.urlpatterns,
]
