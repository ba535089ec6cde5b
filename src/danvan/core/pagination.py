from functools import cached_property

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


class BoundedPaginator(Paginator):
    """Counts at most `count_limit` rows: a broad search over half a million records would
    spend longer counting its matches than finding the first page. Beyond the limit the pages
    stop and the count reads "more than …"."""

    def __init__(self, *args, count_limit: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.count_limit = count_limit

    @cached_property
    def count(self) -> int:
        found = self.object_list.order_by()[: self.count_limit + 1].count()
        self.is_bounded = found > self.count_limit
        return min(found, self.count_limit)

    is_bounded = False


def paginate(
    request, queryset: QuerySet, per_page: int | None = None, *, count_limit: int | None = None
) -> Page:
    """The requested page of `queryset`; a bad or too-large page number gives the nearest page."""
    size = per_page or settings.DANVAN_PAGE_SIZE
    if count_limit:
        paginator = BoundedPaginator(queryset, size, count_limit=count_limit)
    else:
        paginator = Paginator(queryset, size)
    return paginator.get_page(request.GET.get("page"))
