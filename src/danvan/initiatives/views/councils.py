"""Review councils: members, rounds, the scoring screen and closing a round with its decision."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.accounts.forms import add_domain_error
from danvan.core import scope
from danvan.core.errors import DomainError
from danvan.core.forms import as_id
from danvan.initiatives import selectors, services
from danvan.initiatives.forms import CloseRoundForm, CouncilForm, MemberForm, RoundForm
from danvan.initiatives.models import CouncilMember, Entry, MemberRole, RoundStatus
from danvan.initiatives.services.councils import conflict_of_interest, member_of


@login_required
def council_list(request: HttpRequest) -> HttpResponse:
    if not scope.can_anywhere(request.user, "initiatives.view"):
        raise PermissionDenied
    councils = selectors.council_list_for_user(request.user)
    seats = {
        m.council_id: m
        for m in CouncilMember.objects.filter(user=request.user).select_related("council")
    }
    return render(
        request,
        "initiatives/council_list.html",
        {
            "councils": councils,
            "seats": seats,
            "can_create": scope.can_anywhere(request.user, "initiatives.council.manage"),
        },
    )


@login_required
def council_create(request: HttpRequest) -> HttpResponse:
    if not scope.can_anywhere(request.user, "initiatives.council.manage"):
        raise PermissionDenied
    form = CouncilForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            council = services.council_create(
                data=services.CouncilData(
                    **{
                        key: form.cleaned_data[key]
                        for key in (
                            "name",
                            "year",
                            "level",
                            "territory",
                            "issuer",
                            "criteria_set",
                            "pass_score",
                        )
                    }
                ),
                actor=request.user,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The council was created; now seat its members."))
            return redirect("initiatives:council-detail", council.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "initiatives/council_form.html",
        {"form": form, "chosen_territory": form.chosen_territory()},
        status=status,
    )


@login_required
def council_detail(request: HttpRequest, pk: int) -> HttpResponse:
    council = selectors.council_get_for_user(request.user, pk)
    can_manage = scope.can(request.user, "initiatives.council.manage", council.territory)
    member_form = MemberForm(request.POST or None) if can_manage else None
    round_form = RoundForm(request.POST or None) if can_manage else None
    if request.method == "POST" and can_manage:
        if "username" in request.POST:
            if member_form.is_valid():
                user = selectors.person_for_seat(request.user, member_form.cleaned_data["username"])
                if user is None:
                    member_form.add_error("username", _("No such user in your scope."))
                else:
                    try:
                        services.council_member_add(
                            council=council,
                            user=user,
                            role=member_form.cleaned_data["role"],
                            actor=request.user,
                        )
                    except DomainError as exc:
                        add_domain_error(member_form, exc, {"user": "username"})
                    else:
                        messages.success(request, _("The member was added."))
                        return redirect("initiatives:council-detail", council.pk)
        elif "deadline" in request.POST and round_form.is_valid():
            try:
                review_round = services.round_create(
                    council=council,
                    name=round_form.cleaned_data["name"],
                    deadline=round_form.cleaned_data["deadline"],
                    actor=request.user,
                )
            except DomainError as exc:
                add_domain_error(round_form, exc)
            else:
                messages.success(request, _("The review round was opened."))
                return redirect("initiatives:round-detail", review_round.pk)
    context = {
        "council": council,
        "members": council.members.select_related("user", "organisation"),
        "criteria": council.criteria_set.criteria.all(),
        "rounds": council.rounds.all(),
        "can_manage": can_manage,
        "member_form": member_form,
        "round_form": round_form,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "initiatives/council_detail.html", context, status=status)


@login_required
@require_POST
def council_member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    council = selectors.council_get_for_user(request.user, pk)
    member = council.members.filter(pk=member_pk).first()
    if member is not None:
        try:
            services.council_member_remove(member=member, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The member was removed."))
    return redirect("initiatives:council-detail", council.pk)


def _round_context(request: HttpRequest, review_round) -> dict:
    from danvan.core.attachments import attachments_context

    user = request.user
    council = review_round.council
    member = member_of(council, user)
    is_open = review_round.status == RoundStatus.OPEN
    entries = selectors.ranked(selectors.round_entries(review_round))
    for entry in entries:
        entry.passes = entry.average is not None and entry.average >= council.pass_score
    can_review = is_open and scope.can(user, "initiatives.review", council.territory)
    return {
        "round": review_round,
        "council": council,
        "entries": entries,
        "member": member,
        "can_see_scores": scope.can(user, "initiatives.scores.view", council.territory),
        "can_add": can_review,
        "candidates": selectors.submitted_for_council(council, user)[:200] if can_review else [],
        "can_score": is_open
        and member is not None
        and scope.can(user, "initiatives.score", council.territory),
        "can_close": is_open
        and member is not None
        and member.role == MemberRole.CHAIR
        and scope.can(user, "initiatives.decide", council.territory),
        "close_form": CloseRoundForm(
            initial={
                "signer_name": user.display_name,
                "signer_position": getattr(user, "position", ""),
                "version": review_round.version,
            }
        ),
        **attachments_context(request, review_round),
    }


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review_round = selectors.round_get_for_user(request.user, pk)
    return render(request, "initiatives/round_detail.html", _round_context(request, review_round))


@login_required
@require_POST
def round_add_entries(request: HttpRequest, pk: int) -> HttpResponse:
    review_round = selectors.round_get_for_user(request.user, pk)
    ids = [i for i in (as_id(v) for v in request.POST.getlist("initiative")) if i]
    candidates = selectors.submitted_for_council(review_round.council, request.user).filter(
        pk__in=ids
    )
    added = 0
    for initiative in candidates:
        try:
            services.entry_add(review_round=review_round, initiative=initiative, actor=request.user)
            added += 1
        except DomainError as exc:
            messages.error(request, f"{initiative.name}: {exc.message}")
    if added:
        messages.success(
            request, _("%(count)s models were put before the council.") % {"count": added}
        )
    return redirect("initiatives:round-detail", review_round.pk)


@login_required
def round_score(request: HttpRequest, pk: int) -> HttpResponse:
    """The member's scoring screen: every model to score on one page, saved one by one."""
    review_round = selectors.round_get_for_user(request.user, pk)
    council = review_round.council
    member = member_of(council, request.user)
    if member is None:
        raise PermissionDenied
    criteria = list(council.criteria_set.criteria.all())
    entries = selectors.entries_to_score(review_round, member)
    sheets = {s.entry_id: s for s in member.sheets.filter(entry__review_round=review_round)}
    for entry in entries:
        entry.sheet = sheets.get(entry.pk)
    conflicted = (
        review_round.entries.filter(initiative__organisation_id=member.organisation_id).count()
        if member.organisation_id
        else 0
    )
    return render(
        request,
        "initiatives/round_score.html",
        {
            "round": review_round,
            "council": council,
            "criteria": criteria,
            "entries": entries,
            "conflicted": conflicted,
            "is_open": review_round.status == RoundStatus.OPEN,
            "done": sum(1 for e in entries if e.sheet),
        },
    )


@login_required
@require_POST
def entry_score(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    """Save one score sheet; htmx gets the entry's card back, marked as scored."""
    review_round = selectors.round_get_for_user(request.user, pk)
    entry = (
        Entry.objects.filter(review_round=review_round, pk=entry_pk)
        .select_related("initiative__organisation", "initiative__territory", "initiative__field")
        .first()
    )
    if entry is None:
        raise PermissionDenied
    council = review_round.council
    criteria = list(council.criteria_set.criteria.all())
    values = {c.code: request.POST.get(c.code, "") for c in criteria}
    error = None
    sheet = None
    try:
        sheet = services.score_submit(
            entry=entry, actor=request.user, values=values, comment=request.POST.get("comment", "")
        )
    except DomainError as exc:
        error = exc
    if not request.htmx:
        if error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your scores were saved."))
        return redirect("initiatives:round-score", review_round.pk)
    member = member_of(council, request.user)
    entry.sheet = sheet or (member and member.sheets.filter(entry=entry).first())
    # The "n of m scored" line above the cards follows each save (out-of-band swap).
    progress_total = progress_done = None
    if member is not None:
        to_score = selectors.entries_to_score(review_round, member)
        progress_total = len(to_score)
        progress_done = sum(1 for e in to_score if e.scored)
    return render(
        request,
        "initiatives/partials/score_card.html",
        {
            "round": review_round,
            "entry": entry,
            "criteria": criteria,
            "posted": values if error else None,
            "error": error,
            "is_open": True,
            "conflict": member is not None and conflict_of_interest(member, entry.initiative),
            "progress_done": progress_done,
            "progress_total": progress_total,
            "oob_progress": progress_total is not None,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    review_round = selectors.round_get_for_user(request.user, pk)
    form = CloseRoundForm(request.POST)
    if form.is_valid():
        chosen = {i for i in (as_id(v) for v in request.POST.getlist("recognise")) if i}
        try:
            services.round_close(
                review_round=review_round,
                actor=request.user,
                recognised_entry_ids=chosen,
                decision_number=form.cleaned_data.get("decision_number") or "",
                decision_date=form.cleaned_data["decision_date"],
                signer_name=form.cleaned_data["signer_name"],
                signer_position=form.cleaned_data["signer_position"],
                expected_version=form.cleaned_data.get("version"),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The round is closed and the decision was issued."))
            return redirect("initiatives:round-detail", review_round.pk)
    context = _round_context(request, review_round)
    context["close_form"] = form
    return render(request, "initiatives/round_detail.html", context, status=400)
