"""Thin views of the portal: public pages (no login, under /portal/) and the secretariat's intake pages.

Public pages never put a code, secret or text in a URL: everything a reporter sends travels in POST
bodies. Staff pages live under /portal/staf/; since /portal/ is a public prefix of the login middleware,
:func:`staff_page` applies the same gate here (signed in, second factor, current password).
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from gugus.accounts.middleware import needs_otp
from gugus.audit.context import client_ip
from gugus.core.errors import GugusError, NotFound
from gugus.core.views import attach_error
from gugus.portal import abuse, actions, selectors
from gugus.portal.forms import InfoPageForm, OfferForm, ReportForm, StaffNoteForm, StatusForm
from gugus.portal.models import ReportStatus
from gugus.portal.offers import check_offer

QUICK_EXIT = "https://www.google.com/"


def _lang() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


def _public(request, template: str, context: dict, status: int = 200):
    context.setdefault("QUICK_EXIT", QUICK_EXIT)
    context.setdefault("lang", _lang())
    response = render(request, template, context, status=status)
    # Nothing of a report should stay in shared caches or the back-forward cache of a shared phone.
    response["Cache-Control"] = "no-store"
    # The site's Referrer-Policy (same-origin) stays: with no-referrer, browsers send "Origin: null" on
    # form posts and CSRF refuses them. The quick exit link carries rel="noreferrer" itself.
    return response


def home(request):
    return _public(request, "portal/home.html", {"pages": selectors.info_pages()})


def info(request):
    lang = _lang()
    pages = [(p, p.title(lang), p.paragraphs(lang)) for p in selectors.info_pages()]
    return _public(request, "portal/info.html", {"pages": pages})


def _report_page(request, form, *, status: int = 200, notice: str = ""):
    issued = abuse.issue_form(pow_required=abuse.flooding())
    from_check = request.method == "POST" and (request.POST.get("prefill") or request.POST.get("from_check") == "1")
    return _public(request, "portal/report.html", {"form": form, "issued": issued, "notice": notice,
                                                   "from_check": bool(from_check)}, status=status)


@never_cache
@sensitive_post_parameters()
def report(request):
    if request.method != "POST":
        return _report_page(request, ReportForm())
    if request.POST.get("prefill"):  # "report this offer" from the job-offer check
        form = ReportForm(initial={"what": request.POST.get("what", "")[:actions.MAX_TEXT],
                                   "offer_link": request.POST.get("offer_link", "")[:500]})
        return _report_page(request, form)

    form = ReportForm(request.POST, request.FILES)
    ip = client_ip(request)
    token = request.POST.get("form_token", "")
    try:
        payload = abuse.read_form(token)
    except abuse.BadToken:
        form.is_valid()
        return _report_page(request, form, status=400,
                            notice=_("This form has expired. Check your report and send it again."))
    if request.POST.get("website"):
        form.is_valid()
        form.add_error("website", _("This field must stay empty."))
        return _report_page(request, form, status=400)
    if abuse.over_limit("report", ip, abuse.limit("REPORTS_PER_HOUR")):
        return _public(request, "portal/limited.html", {}, status=429)
    if not abuse.puzzle_passed(payload, token, request.POST.get("pow", "")) or (
            abuse.flooding() and not payload.get("pow")):
        form.is_valid()
        return _report_page(request, form, status=429, notice=_(
            "Many reports are arriving right now. Please wait a few seconds and send the form again; "
            "your text is kept. (Files must be chosen again.)"))
    if not form.is_valid():
        return _report_page(request, form, status=400)
    data = form.cleaned_data
    try:
        done = actions.submit_report(
            form_token=payload["t"], what=data["what"], region_code=data["region"],
            anonymous=data["anonymous"], reporter_name=data["reporter_name"], contact_way=data["contact_way"],
            contact=data["contact"], who=data["who"], place=data["place"], when=data["when"],
            happened_on=data["happened_on"], offer_link=data["offer_link"],
            from_offer_check=bool(data["offer_link"]) or request.POST.get("from_check") == "1",
            attachments=data["attachments"])
    except GugusError as exc:
        if exc.field == "region":
            exc.field = "province"
        attach_error(form, exc)
        return _report_page(request, form, status=400)
    if not done.duplicate:
        abuse.count("report", ip)
        abuse.note_report()
    return _public(request, "portal/report_done.html", {"done": done})


@never_cache
@sensitive_post_parameters()
def status(request):
    form = StatusForm(request.POST or None)
    found = None
    if request.method == "POST":
        ip = client_ip(request)
        if abuse.over_limit("lookup", ip, abuse.limit("LOOKUPS_PER_HOUR")):
            return _public(request, "portal/limited.html", {}, status=429)
        abuse.count("lookup", ip)
        if form.is_valid():
            found = selectors.report_status(form.cleaned_data["tracking_code"], form.cleaned_data["secret"])
            if found is None:
                form.add_error(None, _("No report matches this code and secret. Check both and try again."))
    return _public(request, "portal/status.html", {"form": form, "found": found,
                                                   "status_help": STATUS_HELP})


STATUS_HELP = {
    ReportStatus.RECEIVED: "received",
    ReportStatus.REVIEWED: "reviewed",
    ReportStatus.CLOSED: "closed",
    ReportStatus.CASE: "case",
}


@never_cache
def check(request):
    form = OfferForm(request.POST or None)
    result = None
    if request.method == "POST":
        ip = client_ip(request)
        if abuse.over_limit("check", ip, abuse.limit("CHECKS_PER_HOUR")):
            return _public(request, "portal/limited.html", {}, status=429)
        if form.is_valid():
            abuse.count("check", ip)
            text = form.cleaned_data["text"].strip()
            link = form.cleaned_data["link"]
            result = check_offer(text or link, _lang())
            actions.record_offer_check(text=text, link=link, result=result)
    channels = selectors.info_page("verify")
    lang = _lang()
    return _public(request, "portal/check.html", {
        "form": form, "result": result,
        "channels": (channels.title(lang), channels.paragraphs(lang)) if channels else None,
    })


# --- staff ----------------------------------------------------------------------------------------------


def staff_page(capability: str):
    """The login middleware's gate (this app sits under a public prefix), then the capability."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            if user.is_service:
                return redirect("accounts:logout")
            if needs_otp(user):
                has_device = user.totpdevice_set.filter(confirmed=True).exists()
                return redirect("accounts:otp" if has_device else "accounts:otp_setup")
            if user.must_change_password:
                return redirect("accounts:password_change")
            if not user.can(capability):
                raise Http404()
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                raise Http404() from exc

        return never_cache(wrapped)

    return decorator


@staff_page("intake.manage")
def intake(request):
    state = request.GET.get("status", "open")
    if state not in {"open", "", *ReportStatus.values}:
        state = "open"
    reports = list(selectors.intake_queue(request.user, status=state)[:200])
    selectors.record_list_read(request.user, reports)
    return render(request, "portal/intake.html", {"reports": reports, "state": state,
                                                  "states": [("open", _("Open"))] + list(ReportStatus.choices)
                                                  + [("", _("All"))]})


@staff_page("intake.manage")
def intake_detail(request, pk):
    report = selectors.get_report(request.user, pk)
    return render(request, "portal/intake_detail.html", {"report": report, "note_form": StaffNoteForm(),
                                                         "attachments": list(report.attachments.all())})


@require_POST
@staff_page("intake.manage")
def intake_act(request, pk):
    report = selectors.get_report(request.user, pk, purpose="handle")
    what = request.POST.get("do")
    note = StaffNoteForm(request.POST)
    note.is_valid()
    try:
        if what == "case":
            report = actions.open_case_from_report(actor=request.user, report=report)
            messages.success(request, _("Case %(ref)s opened from this report.") % {"ref": report.case.reference})
        elif what in (ReportStatus.REVIEWED, ReportStatus.CLOSED):
            actions.set_report_status(actor=request.user, report=report, status=what,
                                      note=note.cleaned_data.get("note", ""))
            messages.success(request, _("Report marked “%(status)s”.") % {"status": ReportStatus(what).label})
        else:
            raise Http404()
    except GugusError as exc:
        messages.error(request, exc.message)
    return redirect("portal:intake_detail", pk=report.pk)


@staff_page("intake.manage")
def attachment(request, pk, attachment_pk):
    item = selectors.get_attachment(request.user, pk, attachment_pk)
    response = FileResponse(item.file.open("rb"), content_type=item.content_type, as_attachment=True,
                            filename=f"{item.report.tracking_code}-{item.pk}.{item.file.name.rsplit('.', 1)[-1]}")
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@staff_page("intake.manage")
def info_list(request):
    return render(request, "portal/info_list.html", {"pages": selectors.info_pages()})


@staff_page("intake.manage")
def info_edit(request, slug):
    page = selectors.info_page(slug)
    if page is None:
        raise Http404()
    form = InfoPageForm(request.POST or None, initial={f: getattr(page, f) for f in actions.INFO_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_info_page(actor=request.user, page=page,
                                     expected_version=int(request.POST.get("version", 0) or 0),
                                     **{f: form.cleaned_data[f] for f in actions.INFO_FIELDS})
        except GugusError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("portal:info_list")
    return render(request, "portal/info_edit.html", {"form": form, "page": page})
