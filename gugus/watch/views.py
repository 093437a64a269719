"""Pages of the job-post watch: thin views over watch.selectors (reads) and watch.actions (writes).

A role without ``watch.view`` gets 404 everywhere; writing needs ``watch.review``. Case links on a post
come from a scoped selector and are simply absent for users whose scope does not cover the case.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gugus.audit.actions import record_event
from gugus.core.errors import GugusError
from gugus.core.views import attach_error, room_page
from gugus.watch import access, actions, selectors
from gugus.watch.forms import AlertCloseForm, ReviewForm, TakedownForm, TakedownStatusForm, UploadForm
from gugus.watch.ingest import read_upload
from gugus.watch.letter import takedown_pdf
from gugus.watch.models import JobPost, ReviewStatus, TakedownStatus

MAX_UPLOAD = 20 * 1024 * 1024
PAGE = 50


watch_page = room_page(access.can_view)  # needs watch.view


def _review_only(request) -> None:
    if not access.can_review(request.user):
        raise Http404()


def _common(request) -> dict:
    return {"can_review": access.can_review(request.user),
            "open_alerts": selectors.open_alert_count(request.user)}


@watch_page
def queue(request):
    filters = selectors.PostFilters(
        status=request.GET.get("status", "new"), level=request.GET.get("level", "high"),
        q=request.GET.get("q", "")[:200], contact=request.GET.get("contact", "")[:60],
    )
    page = Paginator(selectors.posts(request.user, filters), PAGE).get_page(request.GET.get("page"))
    sizes = selectors.group_sizes(page.object_list)
    rows = [(p, sizes.get(p.group_key, 1)) for p in page]
    return render(request, "watch/queue.html", {
        **_common(request), "page": page, "rows": rows, "filters": filters,
        "statuses": ReviewStatus.choices, "levels": [("high", _("High")), ("medium", _("Medium")),
                                                     ("low", _("Low"))],
    })


@watch_page
def post_detail(request, pk):
    post = selectors.get_post(request.user, pk)
    review = access.can_review(request.user)
    lang = "en" if (request.LANGUAGE_CODE or "id").startswith("en") else "id"
    reasons = [{"code": r["code"], "text": r["text"].get(lang) or r["text"].get("id"), "weight": r["weight"]}
               for r in post.reasons]
    return render(request, "watch/post_detail.html", {
        **_common(request), "post": post, "reasons": reasons,
        "contacts": selectors.contacts_of(post), "group": selectors.group_of(post),
        "linked": selectors.linked_posts(post), "matches": selectors.case_matches(request.user, post),
        "takedowns": post.takedowns.order_by("-created_at"), "post_alerts": post.alerts.select_related("takedown"),
        "review_form": ReviewForm(initial={"decision": post.status}) if review else None,
        "takedown_form": TakedownForm(recipients=actions.recipients())
        if review and post.status == ReviewStatus.CONFIRMED else None,
    })


@watch_page
@require_POST
def post_review(request, pk):
    _review_only(request)
    post = selectors.get_post(request.user, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            actions.review_post(actor=request.user, post=post, **form.cleaned_data)
        except GugusError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Decision saved."))
            return redirect("watch:post_detail", pk=post.pk)
    return _form_page(request, form, _("Review post #%(n)s") % {"n": post.pk}, ("watch:post_detail", post.pk))


@watch_page
@require_POST
def takedown_create(request, pk):
    _review_only(request)
    post = selectors.get_post(request.user, pk)
    form = TakedownForm(request.POST, recipients=actions.recipients())
    if form.is_valid():
        try:
            takedown = actions.request_takedown(actor=request.user, post=post, **form.cleaned_data)
        except GugusError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Takedown request %(n)s prepared: download the letter and send it.")
                             % {"n": takedown.number})
            return redirect("watch:takedown_detail", pk=takedown.pk)
    return _form_page(request, form, _("Takedown request"), ("watch:post_detail", post.pk))


def _form_page(request, form, title, back):
    return render(request, "watch/form.html", {**_common(request), "form": form, "title": title, "back": back},
                  status=400)


@watch_page
def takedown_list(request):
    status = request.GET.get("status", "")
    status = status if status in TakedownStatus.values else ""
    page = Paginator(selectors.takedowns(request.user, status=status), PAGE).get_page(request.GET.get("page"))
    return render(request, "watch/takedown_list.html", {**_common(request), "page": page, "status": status,
                                                        "statuses": TakedownStatus.choices})


@watch_page
def takedown_detail(request, pk):
    takedown = selectors.get_takedown(request.user, pk)
    form = None
    if access.can_review(request.user) and takedown.status not in (TakedownStatus.REMOVED, TakedownStatus.REJECTED):
        form = TakedownStatusForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                actions.set_takedown_status(actor=request.user, takedown=takedown, **form.cleaned_data)
            except GugusError as exc:
                attach_error(form, exc)
            else:
                messages.success(request, _("Status changed."))
                return redirect("watch:takedown_detail", pk=takedown.pk)
    elif request.method == "POST":
        raise Http404()
    return render(request, "watch/takedown_detail.html", {
        **_common(request), "takedown": takedown, "post": takedown.post, "form": form,
        "takedown_alerts": takedown.alerts.select_related("post"),
        "steps": [(_("Letter prepared"), takedown.letter_date), (_("Sent"), takedown.sent_on),
                  (_("Acknowledged"), takedown.acknowledged_on), (_("Removed"), takedown.removed_on),
                  (_("Rejected"), takedown.rejected_on)],
    })


@watch_page
def takedown_letter(request, pk):
    takedown = selectors.get_takedown(request.user, pk)
    response = HttpResponse(takedown_pdf(takedown), content_type="application/pdf")
    name = "surat-takedown-" + takedown.number.replace("/", "-") + ".pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@watch_page
def alert_list(request):
    show_all = request.GET.get("all") == "1"
    page = Paginator(selectors.alerts(request.user, open_only=not show_all), PAGE).get_page(request.GET.get("page"))
    return render(request, "watch/alert_list.html", {
        **_common(request), "page": page, "show_all": show_all,
        "close_form": AlertCloseForm() if access.can_review(request.user) else None,
    })


@watch_page
@require_POST
def alert_close(request, pk):
    _review_only(request)
    alert = selectors.get_alert(request.user, pk)
    form = AlertCloseForm(request.POST)
    if form.is_valid():
        try:
            actions.close_alert(actor=request.user, alert=alert, **form.cleaned_data)
        except GugusError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Alert closed."))
            return redirect("watch:alert_list")
    return _form_page(request, form, _("Close the alert"), ("watch:alert_list", None))


@watch_page
def matches(request):
    return render(request, "watch/matches.html", {**_common(request),
                                                  "rows": selectors.matched_posts(request.user)})


@watch_page
def upload(request):
    _review_only(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        if upload_file.size > MAX_UPLOAD:
            form.add_error("file", _("The file is larger than 20 MB; use the gugus watch-ingest command."))
        else:
            try:
                result = actions.ingest_posts(actor=request.user, source=form.cleaned_data["source"],
                                              items=read_upload(upload_file.name, upload_file.read()))
            except GugusError as exc:
                attach_error(form, exc)
            else:
                messages.success(request, _("%(created)s new posts, %(again)s seen again, %(bad)s skipped, "
                                            "%(alerts)s alerts.")
                                 % {"created": result.created, "again": result.seen_again,
                                    "bad": len(result.errors), "alerts": result.alerts})
    return render(request, "watch/upload.html", {**_common(request), "form": form, "result": result})


@watch_page
def decisions_export(request):
    _review_only(request)
    lines = selectors.decisions_jsonl(request.user)
    record_event(actor=request.user, action="watch.decisions_export", object_type=JobPost.OBJECT_TYPE)
    response = StreamingHttpResponse(lines, content_type="application/x-ndjson")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="keputusan-penelaah-{stamp}.jsonl"'
    response["Cache-Control"] = "private, no-store"
    return response
