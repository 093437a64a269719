"""Sign-in (password, then one-time code), and administrators' management of users, agencies, tokens."""

from __future__ import annotations

import base64
from io import BytesIO
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from gugus.accounts import actions, selectors
from gugus.accounts.forms import (
    AgencyForm,
    LoginForm,
    OtpForm,
    PasswordChangeForm,
    TaskForceForm,
    TokenForm,
    UserEditForm,
    UserForm,
)
from gugus.accounts.middleware import needs_otp
from gugus.audit.actions import record_event
from gugus.core.errors import GugusError, NotFound
from gugus.core.views import attach_error, require


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return "/"


def login_view(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"],
                            password=form.cleaned_data["password"])
        if user is None or user.is_service:
            # Same words for an unknown name and a wrong password.
            form.add_error(None, _("User name or password is not correct."))
        else:
            login(request, user)
            if needs_otp(request.user):
                return redirect(f"{_otp_step(user)}?{urlencode({'next': _next_url(request)})}")
            return redirect(_next_url(request))
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


def _otp_step(user) -> str:
    has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    return reverse("accounts:otp") if has_device else reverse("accounts:otp_setup")


def otp_view(request):
    if not needs_otp(request.user):
        return redirect(_next_url(request))
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
        if device is None:
            return redirect("accounts:otp_setup")
        verify_allowed, _info = device.verify_is_allowed()
        if not verify_allowed:
            form.add_error("token", _("Too many wrong codes. Wait a moment and try again."))
        elif device.verify_token(token):
            otp_login(request, device)
            record_event(actor=request.user, action="auth.2fa_ok", object_type="accounts.user",
                         object_id=request.user.pk)
            return redirect(_next_url(request))
        else:
            record_event(actor=request.user, action="auth.2fa_failed", object_type="accounts.user",
                         object_id=request.user.pk)
            form.add_error("token", _("This code is not correct or has expired."))
    return render(request, "accounts/otp.html", {"form": form, "next": _next_url(request)})


def otp_setup_view(request):
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("accounts:otp")
    device = actions.start_totp_enrolment(user=request.user)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if actions.confirm_totp_enrolment(user=request.user, device=device, token=form.cleaned_data["token"].strip()):
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is now active for your account."))
            return redirect(_next_url(request))
        form.add_error("token", _("This code is not correct or has expired."))
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/otp_setup.html", {
        "form": form, "qr_svg": buffer.getvalue().decode(), "secret": secret, "next": _next_url(request),
    })


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("accounts:login")


def password_change_view(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_own_password(user=request.user, old_password=form.cleaned_data["old_password"],
                                        new_password=form.cleaned_data["new_password"])
        except GugusError as exc:
            attach_error(form, exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})


# --- administrators -------------------------------------------------------------------------------------

def user_list(request):
    require(request.user, "user.manage")
    q = request.GET.get("q", "").strip()
    users = selectors.users_manageable_by(request.user)
    if q:
        users = users.filter(username__icontains=q)
    return render(request, "accounts/user_list.html", {"users": users[:200], "q": q})


def user_create(request):
    require(request.user, "user.manage")
    form = UserForm(request.POST or None, agencies=selectors.agencies_visible_to(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = actions.create_user(actor=request.user, username=data["username"], password=data["password"],
                                       agency=data["agency"], role=data["role"], first_name=data["first_name"],
                                       last_name=data["last_name"], email=data["email"])
        except GugusError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("User %(name)s created.") % {"name": user.username})
            return redirect("accounts:user_edit", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


def _manageable_or_404(request, pk):
    try:
        return selectors.get_manageable_user(request.user, pk)
    except NotFound:
        raise Http404() from None


def user_edit(request, pk):
    require(request.user, "user.manage")
    target = _manageable_or_404(request, pk)
    initial = {f: getattr(target, f) for f in ("first_name", "last_name", "email", "agency", "role", "is_active")}
    form = UserEditForm(request.POST or None, initial=initial, agencies=selectors.agencies_visible_to(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_user(actor=request.user, user=target, **form.cleaned_data)
        except GugusError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("accounts:user_edit", pk=target.pk)
    has_2fa = TOTPDevice.objects.filter(user=target, confirmed=True).exists()
    return render(request, "accounts/user_form.html", {"form": form, "target": target, "has_2fa": has_2fa})


@require_POST
def user_reset_password(request, pk):
    require(request.user, "user.manage")
    target = _manageable_or_404(request, pk)
    temporary = actions.reset_password(actor=request.user, user=target)
    return render(request, "accounts/password_reset_done.html", {"target": target, "temporary": temporary})


@require_POST
def user_reset_2fa(request, pk):
    require(request.user, "user.manage")
    target = _manageable_or_404(request, pk)
    actions.reset_two_factor(actor=request.user, user=target)
    messages.success(request, _("Two-factor sign-in was reset; the user enrols again at the next sign-in."))
    return redirect("accounts:user_edit", pk=target.pk)


def agency_list(request):
    require(request.user, "agency.manage")
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency = actions.create_agency(actor=request.user, **form.cleaned_data)
        except GugusError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Agency %(name)s added.") % {"name": agency.name})
            return redirect("accounts:agency_list")
    agencies = selectors.agencies_visible_to(request.user)
    return render(request, "accounts/agency_list.html", {"agencies": agencies[:500], "form": form})


def task_force_list(request):
    form = None
    if request.user.can("taskforce.manage"):
        form = TaskForceForm(request.POST or None, agencies=selectors.agencies_visible_to(request.user))
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            data["members"] = list(data["members"])
            try:
                task_force = actions.create_task_force(actor=request.user, **data)
            except GugusError as exc:
                attach_error(form, exc)
            else:
                messages.success(request, _("Task force %(name)s added.") % {"name": task_force.name})
                return redirect("accounts:task_force_list")
    task_forces = selectors.task_forces_visible_to(request.user).prefetch_related("members")
    return render(request, "accounts/task_force_list.html", {"task_forces": task_forces[:200], "form": form})


def token_list(request):
    require(request.user, "token.manage")
    form = TokenForm(request.POST or None, agencies=selectors.agencies_visible_to(request.user))
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = actions.create_api_token(actor=request.user, **form.cleaned_data)
        except GugusError as exc:
            attach_error(form, exc)
        else:
            form = TokenForm(agencies=selectors.agencies_visible_to(request.user))
    tokens = selectors.tokens_manageable_by(request.user)
    return render(request, "accounts/token_list.html", {"tokens": tokens, "form": form, "secret": secret})


@require_POST
def token_revoke(request, pk):
    require(request.user, "token.manage")
    token = selectors.tokens_manageable_by(request.user).filter(pk=pk).first()
    if token is None:
        raise Http404()
    actions.revoke_api_token(actor=request.user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:token_list")
