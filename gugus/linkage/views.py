"""Pages of the linkage review: thin views over linkage.selectors (reads) and linkage.actions (writes).

Without ``linkage.review`` (data/review.toml) every page is a 404. A pair is shown only when the user may see
both persons; otherwise its page is the same 404 as a missing id.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gugus.cases.selectors import persons_visible_to, record_list_read
from gugus.core.errors import GugusError, NotFound, PermissionDenied
from gugus.core.views import attach_error, room_page
from gugus.linkage import access, actions, selectors
from gugus.linkage.forms import DecisionForm, UnmergeForm
from gugus.linkage.models import CandidateStatus

PAGE = 50


review_page = room_page(access.can_review)  # the review queue: only who may review links


@review_page
def queue(request):
    status = request.GET.get("status", CandidateStatus.PENDING)
    if status not in CandidateStatus.values:
        status = ""
    page = Paginator(selectors.review_queue(request.user, status=status), PAGE).get_page(request.GET.get("page"))
    # The queue shows names: which records were shown, and to whom, is logged (as on the persons list).
    record_list_read(request.user, [p for c in page for p in (c.person_a, c.person_b)])
    return render(request, "linkage/queue.html", {
        "page": page, "status": status, "statuses": CandidateStatus.choices,
        "likely": access.thresholds()["likely"],
    })


def _detail(request, candidate, form):
    return render(request, "linkage/candidate.html", {
        "candidate": candidate, "rows": selectors.side_by_side(candidate), "form": form,
        "likely": access.thresholds()["likely"],
    })


@review_page
def candidate_detail(request, pk):
    candidate = selectors.get_candidate(request.user, pk)
    return _detail(request, candidate, DecisionForm())


@review_page
@require_POST
def candidate_decide(request, pk):
    candidate = selectors.get_candidate(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "confirm":
                actions.confirm_match(actor=request.user, candidate=candidate, reason=form.cleaned_data["reason"])
                messages.success(request, _("The records are linked as one person."))
                return redirect("linkage:person_links", pk=candidate.person_a_id)
            actions.reject_match(actor=request.user, candidate=candidate, reason=form.cleaned_data["reason"])
            messages.success(request, _("The pair is marked as different persons."))
            return redirect("linkage:queue")
        except (NotFound, PermissionDenied):
            raise
        except GugusError as exc:
            attach_error(form, exc)
    return _detail(request, candidate, form)


def _person(request, pk):
    try:
        person = persons_visible_to(request.user).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        person = None
    if person is None:
        raise NotFound()
    return person


@review_page
def person_links(request, pk, form=None):
    person = _person(request, pk)
    members = list(selectors.cluster_members(request.user, person))
    record_list_read(request.user, members)
    return render(request, "linkage/person_links.html", {
        "person": person, "members": members,
        "participations": selectors.cluster_cases(request.user, person), "form": form or UnmergeForm(),
    })


@review_page
@require_POST
def person_unmerge(request, pk):
    person = _person(request, pk)
    form = UnmergeForm(request.POST)
    if form.is_valid():
        try:
            actions.unmerge_person(actor=request.user, person=person, reason=form.cleaned_data["reason"])
            messages.success(request, _("The record was taken out of the linked person."))
            return redirect("linkage:person_links", pk=person.pk)
        except (NotFound, PermissionDenied):
            raise
        except GugusError as exc:
            attach_error(form, exc)
    return person_links.__wrapped__(request, pk, form=form)
