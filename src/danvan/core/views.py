from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from danvan.core import current_territory, scope
from danvan.core.models import Job
from danvan.core.search import filter_by_search
from danvan.core.selectors import dashboard_counts, organisations_by_kind


@login_required
def home(request):
    territory = current_territory.get(request)
    context = {
        "counts": dashboard_counts(request.user, territory),
        "by_kind": organisations_by_kind(request.user, territory),
        "recent_jobs": Job.objects.filter(created_by=request.user)[:5],
    }
    return render(request, "core/home.html", context)


@login_required
def territory_switch(request):
    from danvan.territories.models import Territory

    territory_id = request.GET.get("territory") or ""
    territory = None
    if territory_id:
        territory = scope.get_visible_or_404(
            request.user, "territories.switch", Territory.objects.all(), via=None, pk=territory_id
        )
    current_territory.set_(request, territory)
    target = request.GET.get("next") or request.headers.get("Referer") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


@login_required
@require_GET
def territory_switch_options(request):
    from danvan.territories.models import Era, Territory

    units = scope.filter(
        request.user, "territories.switch", Territory.objects.filter(era=Era.CURRENT), via=None
    )
    query = request.GET.get("q", "")
    units = (
        filter_by_search(units, query)
        .select_related("parent")
        .order_by("level", "search_name")[:15]
    )
    return render(request, "core/partials/switch_options.html", {"units": units, "query": query})


@login_required
@require_GET
def territory_options(request):
    """htmx fragment for unit pickers: current units matching the text where the user may do
    `action` (a registered action name)."""
    from danvan.core.forms import current_units_for

    action = request.GET.get("action", "")
    if action not in scope.registered_actions() or not scope.can_anywhere(request.user, action):
        raise Http404
    query = request.GET.get("q", "")
    units = []
    if query.strip():
        units = filter_by_search(current_units_for(request.user, action), query)
        units = units.select_related("parent").order_by("level", "search_name")[:20]
    return render(
        request,
        "includes/territory_options.html",
        {"units": units, "query": query, "selected": request.GET.get("territory", "")},
    )


@login_required
def job_list(request):
    jobs = Job.objects.filter(created_by=request.user)[:100]
    return render(request, "core/job_list.html", {"jobs": jobs})


@login_required
def job_detail(request, pk):
    job = get_object_or_404(Job, pk=pk, created_by=request.user)
    template = "core/partials/job_status.html" if request.htmx else "core/job_detail.html"
    return render(request, template, {"job": job})


@login_required
def job_download(request, pk):
    job = get_object_or_404(Job, pk=pk, created_by=request.user)
    if not job.result_file:
        raise Http404
    return FileResponse(
        job.result_file.open("rb"),
        as_attachment=True,
        filename=job.result.get("filename") or job.result_file.name.rsplit("/", 1)[-1],
    )


def healthz(request):
    """For load balancers: the app answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    if request.GET.get("format") == "json":
        return JsonResponse({"status": "ok"})
    return HttpResponse("ok", content_type="text/plain")
