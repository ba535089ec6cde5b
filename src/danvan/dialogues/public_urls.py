"""The public citizen portal (no login) under /public/petitions/."""

from danvan.dialogues.views import portal

app_name = "dialogues_public"

urlpatterns = [*portal.urlpatterns]
