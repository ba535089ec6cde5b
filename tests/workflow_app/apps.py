from django.apps import AppConfig


class WorkflowAppConfig(AppConfig):
    name = "tests.workflow_app"
    label = "workflow_app"
    default_auto_field = "django.db.models.BigAutoField"
