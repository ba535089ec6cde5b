from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def paginate(request, queryset: QuerySet, per_page: int | None = None) -> Page:
    """The requested page of `queryset`; a bad or too-large page number gives the nearest page."""
    paginator = Paginator(queryset, per_page or settings.DANVAN_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))
