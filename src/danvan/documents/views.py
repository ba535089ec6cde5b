"""Pages of the document register: list and search, a document, its form, relations, counts."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from danvan.accounts.forms import add_domain_error
from danvan.core import scope
from danvan.core.attachments import attachments_context
from danvan.core.errors import ConflictError, DomainError
from danvan.core.forms import as_id
from danvan.core.pagination import paginate
from danvan.documents import selectors, services
from danvan.documents.forms import DocumentForm, RelationForm, issuer_options
from danvan.documents.models import DocumentRelation, DocumentType, Validity

VIEW, CHANGE = "documents.view", "documents.change"
# A common word matches a good part of the country's register: past this, the count reads
# "more than …" instead of counting everything.
SEARCH_COUNT_LIMIT = 1000
TARGETS_SHOWN = 15


def _require_anywhere(request: HttpRequest, action: str) -> None:
    if not scope.can_anywhere(request.user, action):
        raise PermissionDenied


def _years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - 15, -1))


# --- the register -------------------------------------------------------------------------------


@login_required
@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, VIEW)
    filters = selectors.filters_from_params(request.user, request.GET)
    page = paginate(
        request,
        selectors.document_list_for_user(request.user, filters),
        count_limit=SEARCH_COUNT_LIMIT if filters.q.strip() else None,
    )
    params = selectors.filters_as_params(filters)
    context = {
        "page": page,
        "filters": {key: request.GET.get(key, "") for key in selectors.FILTER_PARAMS},
        "territory": filters.territory,
        "types": DocumentType.objects.all(),
        "validities": Validity.choices,
        "years": _years(),
        "can_create": scope.can_anywhere(request.user, CHANGE),
        "export_query": urlencode(params),
    }
    if request.htmx and request.htmx.target == "document-table":
        return render(request, "documents/partials/document_table.html", context)
    return render(request, "documents/document_list.html", context)


@login_required
@require_GET
def document_export(request: HttpRequest) -> HttpResponse:
    """The filtered register as XLSX: a download when small, a background job when large."""
    from danvan.core.exports import export_response_or_job
    from danvan.documents.exports import KEY, export_params

    _require_anywhere(request, VIEW)
    return export_response_or_job(request, KEY, export_params(request))


@login_required
@require_GET
def document_counts(request: HttpRequest) -> HttpResponse:
    """How many documents each issuer issued each year; each figure opens the list behind it."""
    _require_anywhere(request, VIEW)
    filters = selectors.filters_from_params(request.user, request.GET)
    # The year is a column of the table, not a filter of it.
    filters.year = None
    counts = selectors.document_counts_for_user(request.user, filters)
    base = selectors.filters_as_params(filters)
    list_url = reverse("documents:document-list")

    def link(row=None, year=None) -> str:
        params = dict(base)
        if row is not None:
            if row.issuer_id:
                params["issuer"] = row.issuer_id
            else:
                params["issuer_name"] = row.issuer_name
        if year is not None:
            params["year"] = year
        return f"{list_url}?{urlencode(params)}"

    rows = [
        {
            "row": row,
            "url": link(row),
            "cells": [(row.by_year.get(year, 0), link(row, year)) for year in counts.years],
        }
        for row in counts.rows
    ]
    context = {
        "counts": counts,
        "rows": rows,
        "totals": [(counts.column_totals.get(y, 0), link(year=y)) for y in counts.years],
        "total_url": link(),
        "filters": {key: request.GET.get(key, "") for key in selectors.FILTER_PARAMS},
        "territory": filters.territory,
        "types": DocumentType.objects.all(),
        "validities": Validity.choices,
    }
    return render(request, "documents/document_counts.html", context)


# --- one document ---------------------------------------------------------------------------------


def _detail_context(request: HttpRequest, document, **extra) -> dict:
    user = request.user
    outgoing, incoming = selectors.relations_for_user(user, document)
    plans, campaigns = selectors.implementing_plans_for_user(user, document)
    can_change = scope.can(user, CHANGE, document.territory)
    return {
        "document": document,
        "outgoing": outgoing,
        "incoming": incoming,
        "plans": plans,
        "campaigns": campaigns,
        "can_change": can_change,
        "relation_form": extra.pop("relation_form", None) or RelationForm(),
        **attachments_context(request, document),
        **extra,
    }


@login_required
@require_GET
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get_for_user(request.user, pk)
    return render(request, "documents/document_detail.html", _detail_context(request, document))


def _edit(request: HttpRequest, document) -> HttpResponse:
    form = DocumentForm(request.POST or None, user=request.user, instance=document)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if document is None:
                    saved = services.document_register(data=form.to_data(), actor=request.user)
                else:
                    saved = services.document_update(
                        document=document,
                        data=form.to_data(),
                        actor=request.user,
                        expected_version=form.cleaned_data.get("version"),
                    )
            except ConflictError as exc:
                add_domain_error(form, exc)
                status = 409
            except DomainError as exc:
                add_domain_error(form, exc)
            except PermissionDenied:
                form.add_error(
                    "issuer",
                    _(
                        "You may not register documents for this issuer. Documents of bodies "
                        "outside the register need a nationwide role."
                    ),
                )
                status = 403
            else:
                messages.success(request, _("The document was saved."))
                return redirect("documents:document-detail", saved.pk)
    context = {"form": form, "document": document, "chosen_issuer": form.chosen_issuer()}
    return render(request, "documents/document_form.html", context, status=status)


@login_required
def document_create(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, CHANGE)
    return _edit(request, None)


@login_required
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get_for_user(request.user, pk)
    scope.require(request.user, CHANGE, document.territory)
    return _edit(request, document)


@login_required
@require_POST
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get_for_user(request.user, pk)
    scope.require(request.user, CHANGE, document.territory)
    try:
        services.document_delete(
            document=document,
            actor=request.user,
            expected_version=as_id(request.POST.get("version")),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("documents:document-detail", document.pk)
    messages.success(request, _("The document was deleted."))
    return redirect("documents:document-list")


@login_required
@require_GET
def issuer_picker(request: HttpRequest) -> HttpResponse:
    """htmx: organisations matching the typed words, for the issuer field."""
    _require_anywhere(request, CHANGE)
    query = request.GET.get("issuer_q", "")
    context = {"issuers": issuer_options(request.user, query), "query": query}
    return render(request, "documents/partials/issuer_options.html", context)


# --- relations -------------------------------------------------------------------------------------


@login_required
@require_GET
def relation_targets(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: documents matching the typed number or words, to relate this one to."""
    document = selectors.document_get_for_user(request.user, pk)
    scope.require(request.user, CHANGE, document.territory)
    query = request.GET.get("target_q", "")[:200]
    targets = []
    if query.strip():
        targets = (
            selectors.document_list_for_user(request.user, selectors.DocumentFilters(q=query))
            .exclude(pk=document.pk)
            .only("pk", "number_symbol", "title", "issued_on", "issuer_name")[:TARGETS_SHOWN]
        )
    context = {"targets": targets, "query": query}
    return render(request, "documents/partials/relation_targets.html", context)


@login_required
@require_POST
def relation_add(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get_for_user(request.user, pk)
    scope.require(request.user, CHANGE, document.territory)
    form = RelationForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            target = selectors.document_get_for_user(request.user, form.cleaned_data["target"])
        except Http404:
            form.add_error("target", _("Pick a document from the list."))
        else:
            try:
                services.document_relate(
                    source=document,
                    target=target,
                    kind=form.cleaned_data["kind"],
                    actor=request.user,
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            except PermissionDenied:
                form.add_error(
                    "target", _("You may not mark that document as replaced: it is not yours.")
                )
                status = 403
            else:
                messages.success(request, _("The relation was added."))
                return redirect("documents:document-detail", document.pk)
    context = _detail_context(request, document, relation_form=form, open_relation=True)
    return render(request, "documents/document_detail.html", context, status=status)


@login_required
@require_POST
def relation_delete(request: HttpRequest, pk: int, relation_id: int) -> HttpResponse:
    document = selectors.document_get_for_user(request.user, pk)
    scope.require(request.user, CHANGE, document.territory)
    relation = (
        DocumentRelation.objects.select_related("source__territory", "target")
        .filter(pk=relation_id, source=document)
        .first()
    )
    if relation is None:
        raise Http404
    services.document_unrelate(relation=relation, actor=request.user)
    messages.success(request, _("The relation was removed."))
    return redirect("documents:document-detail", document.pk)
