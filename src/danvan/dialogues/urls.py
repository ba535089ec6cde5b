"""Pages of dialogues and petitions (staff). Each views module lists its own patterns."""

from danvan.dialogues.views import conferences, petitions, statistics

app_name = "dialogues"

urlpatterns = [
    *petitions.urlpatterns,
    *conferences.urlpatterns,
    *statistics.urlpatterns,
]
