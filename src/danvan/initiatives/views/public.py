"""The public showcase: recognised models only, no login, only what the recognition published.

Scores, score sheets, council members, status notes, who typed the record and its history are
internal and never reach these templates: the views hand over only the fields listed here.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from danvan.core.attachments import public_attachments_for
from danvan.core.forms import as_id
from danvan.core.pagination import paginate
from danvan.initiatives import selectors
from danvan.initiatives import statistics as stats
from danvan.initiatives.models import Kind, Level, Subject
from danvan.initiatives.views.initiatives import SEARCH_COUNT_LIMIT
from danvan.territories.models import Era, Territory
from danvan.territories.models import Level as TerritoryLevel

# Shared caches may keep a page five minutes; pages carry no personal data.
public_cache = cache_control(public=True, max_age=300)


def current_provinces():
    return Territory.objects.filter(era=Era.CURRENT, level=TerritoryLevel.PROVINCE).order_by("name")


def province_by_code(code) -> Territory:
    province = current_provinces().filter(code=as_id(code) or -1).first()
    if province is None:
        raise Http404
    return province


def public_filters(params, province: Territory | None = None) -> selectors.InitiativeFilters:
    """Filters a visitor may use; the province comes from the page or from ?province=<code>."""
    year = as_id(params.get("year"))
    if province is None and params.get("province"):
        province = current_provinces().filter(code=as_id(params.get("province")) or -1).first()
    level, subject, kind = params.get("level"), params.get("subject"), params.get("kind")
    return selectors.InitiativeFilters(
        query=(params.get("q") or "")[:200],
        year=year if year and 2000 <= year <= 2100 else None,
        level=level if level in Level.values else "",
        field=(params.get("field") or "")[:40],
        subject=subject if subject in Subject.values else "",
        kind=kind if kind in Kind.values else "",
        territory=province,
    )


def _choices() -> dict:
    return {
        "fields": selectors.active_fields(),
        "levels": [(v, label) for v, label in Level.choices],
        "subjects": Subject.choices,
        "kinds": Kind.choices,
    }


@require_GET
@public_cache
def showcase(request: HttpRequest) -> HttpResponse:
    filters = public_filters(request.GET)
    page = paginate(
        request,
        selectors.public_initiatives(filters),
        count_limit=SEARCH_COUNT_LIMIT if filters.query.strip() else None,
    )
    context = {
        "page": page,
        "filters": request.GET,
        "province": filters.territory,
        "provinces": current_provinces(),
        **_choices(),
    }
    return render(request, "initiatives/public_list.html", context)


@require_GET
@public_cache
def showcase_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = selectors.public_initiative_get(pk)
    province = initiative.territory
    while province.parent_id is not None and province.level != TerritoryLevel.PROVINCE:
        province = province.parent
    context = {
        "initiative": initiative,
        "is_individual": initiative.subject == Subject.INDIVIDUAL,
        "recognitions": selectors.public_recognitions(initiative),
        "indicators": list(initiative.indicators.select_related("kind")),
        "attachments": list(public_attachments_for(initiative)),
        "province": province if province.era == Era.CURRENT else None,
    }
    return render(request, "initiatives/public_detail.html", context)


@require_GET
@public_cache
def showcase_province(request: HttpRequest, code: int) -> HttpResponse:
    province = province_by_code(code)
    filters = public_filters(request.GET, province=province)
    page = paginate(
        request,
        selectors.public_initiatives(filters),
        count_limit=SEARCH_COUNT_LIMIT if filters.query.strip() else None,
    )
    context = {
        "province": province,
        "page": page,
        "filters": request.GET,
        "counts": stats.public_counts(province),
        **_choices(),
    }
    return render(request, "initiatives/public_province.html", context)
