"""Pages for land donations (hiến đất) and the donor's thank-you letter."""

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from danvan.accounts.forms import add_domain_error
from danvan.clearance import letters, selectors
from danvan.clearance.forms_mobilisation import DonationForm, LetterForm
from danvan.clearance.models import Donation
from danvan.clearance.services import donations
from danvan.core import current_territory, scope
from danvan.core.errors import DomainError
from danvan.core.forms import as_id
from danvan.core.pagination import paginate
from danvan.territories.models import Territory

VIEW, CHANGE = "clearance.view", "clearance.change"
FILTER_KEYS = ("q", "year")


def list_territory(request: HttpRequest):
    """The unit whose subtree the list shows: ?territory=, else the header's current unit."""
    value = as_id(request.GET.get("territory"))
    if value is not None:
        return (
            scope.filter(request.user, VIEW, Territory.objects.filter(pk=value), via=None)
            .select_related("parent")
            .first()
        )
    return current_territory.get(request)


@login_required
@require_GET
def donation_list(request: HttpRequest) -> HttpResponse:
    if not scope.can_anywhere(request.user, VIEW):
        raise PermissionDenied
    territory = list_territory(request)
    year = as_id(request.GET.get("year"))
    year = year if year and 2000 <= year <= 2100 else None
    query = request.GET.get("q", "")[:200]
    donations_qs = selectors.donation_list(
        request.user, territory=territory, query=query, year=year
    )
    totals = donations_qs.order_by().aggregate(
        count=Count("id"), area=Sum("area"), value=Sum("value")
    )
    context = {
        "page": paginate(request, donations_qs),
        "totals": {
            "count": totals["count"] or 0,
            "area": totals["area"] or Decimal(0),
            "value": totals["value"] or 0,
        },
        "territory": territory,
        "filters": {key: request.GET.get(key, "") for key in FILTER_KEYS},
        "can_create": scope.can_anywhere(request.user, CHANGE),
        "export_query": urlencode(
            {
                key: value
                for key, value in (
                    ("territory", territory.pk if territory else ""),
                    ("year", year or ""),
                    ("q", query),
                )
                if value
            }
        ),
    }
    if request.htmx and request.htmx.target == "donation-table":
        return render(request, "clearance/donation_list.html#donation-table", context)
    return render(request, "clearance/donation_list.html", context)


def _detail_context(request: HttpRequest, donation: Donation, letter_form: LetterForm) -> dict:
    from danvan.core.attachments import attachments_context

    return {
        "donation": donation,
        "letter_form": letter_form,
        "can_change": scope.can(request.user, CHANGE, donation.territory),
        **attachments_context(request, donation),
    }


@login_required
@require_GET
def donation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    donation = selectors.donation_get(request.user, pk)
    context = _detail_context(request, donation, LetterForm())
    return render(request, "clearance/donation_detail.html", context)


def _edit(request: HttpRequest, donation: Donation | None) -> HttpResponse:
    form = DonationForm(request.POST or None, user=request.user, instance=donation)
    if request.method == "POST" and form.is_valid():
        try:
            saved = donations.donation_save(
                data=form.to_data(), actor=request.user, donation=donation
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The donation was saved."))
            return redirect("clearance:donation-detail", saved.pk)
    context = {"form": form, "donation": donation, "chosen_territory": form.chosen_territory()}
    status = 400 if request.method == "POST" else 200
    return render(request, "clearance/donation_form.html", context, status=status)


@login_required
def donation_create(request: HttpRequest) -> HttpResponse:
    if not scope.can_anywhere(request.user, CHANGE):
        raise PermissionDenied
    return _edit(request, None)


@login_required
def donation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    donation = selectors.donation_get(request.user, pk)
    scope.require(request.user, CHANGE, donation.territory)
    return _edit(request, donation)


@login_required
@require_POST
def donation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    donation = selectors.donation_get(request.user, pk)
    try:
        donations.donation_delete(donation=donation, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("clearance:donation-detail", donation.pk)
    messages.success(request, _("The donation was deleted."))
    return redirect("clearance:donation-list")


@login_required
@require_POST
def donation_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """Write the thank-you letter (DOCX and PDF), attach it and mark the donor thanked."""
    donation = selectors.donation_get(request.user, pk)
    scope.require(request.user, CHANGE, donation.territory)
    form = LetterForm(request.POST)
    if form.is_valid():
        data = letters.LetterData(
            issuer_kind=form.cleaned_data["issuer"],
            signer_name=form.cleaned_data["signer_name"],
            signer_position=form.cleaned_data["signer_position"],
            letter_date=form.cleaned_data["letter_date"],
        )
        try:
            letters.letter_issue(donation=donation, data=data, actor=request.user)
        except DomainError as exc:
            add_domain_error(form, exc, {"thanked_on": "letter_date"})
        else:
            messages.success(
                request, _("The thank-you letter was written and attached as Word and PDF files.")
            )
            return redirect("clearance:donation-detail", donation.pk)
    context = _detail_context(request, donation, form)
    return render(request, "clearance/donation_detail.html", context, status=400)


urlpatterns = [
    path("donations/", donation_list, name="donation-list"),
    path("donations/new/", donation_create, name="donation-create"),
    path("donations/<int:pk>/", donation_detail, name="donation-detail"),
    path("donations/<int:pk>/edit/", donation_edit, name="donation-edit"),
    path("donations/<int:pk>/delete/", donation_delete, name="donation-delete"),
    path("donations/<int:pk>/letter/", donation_letter, name="donation-letter"),
]
