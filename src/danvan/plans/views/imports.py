"""Uploading a plan's indicator table: the file goes into the shared import pipeline."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path

from danvan.core import scope
from danvan.core.errors import DomainError
from danvan.core.import_views import UploadForm
from danvan.core.imports import services as imports
from danvan.plans import selectors
from danvan.plans.imports import PlanIndicatorImport


@login_required
def indicator_import(request, pk: int):
    plan = selectors.plan_get_for_user(request.user, pk)
    scope.require(request.user, "plans.change", plan.territory)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            # The check is queued on commit: the batch already names its plan by then.
            with transaction.atomic():
                batch = imports.import_upload(
                    schema_key=PlanIndicatorImport.key,
                    upload=form.cleaned_data["file"],
                    actor=request.user,
                    language=getattr(request, "LANGUAGE_CODE", ""),
                    target={"plan": plan.pk},
                )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("core:import-detail", batch.pk)
    context = {
        "form": form,
        "plan": plan,
        "schema": PlanIndicatorImport,
        "max_mb": settings.DANVAN_IMPORT_MAX_BYTES // (1024 * 1024),
    }
    return render(
        request, "plans/indicator_import.html", context, status=400 if form.errors else 200
    )


urlpatterns = [path("<int:pk>/import/", indicator_import, name="indicator-import")]
