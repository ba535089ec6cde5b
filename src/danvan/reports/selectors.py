"""Reads of report templates and generated reports, already narrowed to the user's scope."""

from django.db.models import Q, QuerySet
from django.http import Http404

from danvan.core import scope
from danvan.organisations.models import Organisation
from danvan.reports.models import GeneratedReport, ReportTemplate

VIEW, GENERATE, CONFIGURE = "reports.view", "reports.generate", "reports.configure"


def template_list_for_user(user, action: str = VIEW) -> QuerySet[ReportTemplate]:
    """The nationwide templates and those of units in the user's scope."""
    in_scope = scope.filter(user, action, ReportTemplate.objects.filter(territory__isnull=False))
    if not scope.can_anywhere(user, action):
        return ReportTemplate.objects.none()
    return (
        ReportTemplate.objects.filter(Q(territory__isnull=True) | Q(pk__in=in_scope.values("pk")))
        .select_related("territory", "organisation_kind", "updated_by")
        .order_by("kind", "territory__path", "name", "id")
    )


def template_get_for_user(user, pk, action: str = VIEW) -> ReportTemplate:
    """A template the user may see (else 404)."""
    try:
        return template_list_for_user(user, action).get(pk=pk)
    except (ReportTemplate.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def template_for(organisation: Organisation, kind: str) -> ReportTemplate | None:
    """The most specific active template of `kind` for `organisation`.

    A template for the organisation's unit (or a unit above it) beats a nationwide one, a
    deeper unit beats a higher one, and a template for the organisation's kind beats one for
    every kind.
    """
    unit_path = organisation.territory.scope_path
    candidates = (
        ReportTemplate.objects.filter(kind=kind, is_active=True)
        .filter(Q(organisation_kind__isnull=True) | Q(organisation_kind=organisation.kind_id))
        .select_related("territory")
    )

    def specificity(template: ReportTemplate) -> tuple[int, int, int]:
        depth = template.territory.depth if template.territory_id else -1
        return (depth, template.organisation_kind_id is not None, -template.pk)

    fitting = [
        t for t in candidates if t.territory is None or unit_path.startswith(t.territory.path)
    ]
    return max(fitting, key=specificity, default=None)


def report_list_for_user(user) -> QuerySet[GeneratedReport]:
    return scope.filter(user, VIEW, GeneratedReport.objects.all()).select_related(
        "organisation", "territory", "created_by"
    )


def report_get_for_user(user, pk) -> GeneratedReport:
    return scope.get_visible_or_404(
        user,
        VIEW,
        GeneratedReport.objects.select_related(
            "organisation__kind", "territory", "created_by", "job", "template"
        ),
        pk=pk,
    )


def organisations_for_generation(user) -> QuerySet[Organisation]:
    """Active organisations whose reports the user may generate."""
    return scope.filter(user, GENERATE, Organisation.objects.filter(is_active=True)).select_related(
        "territory", "kind"
    )
