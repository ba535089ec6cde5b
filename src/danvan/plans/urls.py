from danvan.plans.views import imports, plans, progress

app_name = "plans"

urlpatterns = [*plans.urlpatterns, *progress.urlpatterns, *imports.urlpatterns]
