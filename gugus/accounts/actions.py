"""Every write to agencies, task forces, users, tokens and grants. Each validates, writes and audits in
one transaction; views, the API and commands call these and never save models themselves."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from gugus.accounts.models import AccessGrant, Agency, ApiToken, Level, SubTaskForce, TaskForce, User
from gugus.accounts.roles import Role
from gugus.accounts.scope import agency_filter
from gugus.audit.actions import record_event
from gugus.core.errors import GugusError, NotFound, PermissionDenied
from gugus.regions.models import Country, Region, is_inside

USER_FIELDS = ("first_name", "last_name", "email", "role", "agency", "is_active")


def _require(actor, capability: str) -> None:
    if actor is not None and not actor.can(capability):
        raise PermissionDenied()


def _region_for_level(level: str, region_code: str | None) -> Region | None:
    if level in (Level.NATIONAL, Level.ABROAD):
        if region_code:
            raise GugusError(_("A national office or a mission abroad has no region."), field="region_code")
        return None
    if not region_code:
        raise GugusError(_("Choose the region this office serves."), field="region_code")
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise GugusError(_("Unknown region code: %(code)s.") % {"code": region_code}, field="region_code")
    wanted = 1 if level == Level.PROVINCE else 2
    if region.level != wanted:
        raise GugusError(
            _("A %(level)s office must be attached to a region of that level.") % {"level": Level(level).label},
            field="region_code",
        )
    return region


def _agency_in_reach(actor, agency: Agency | None) -> None:
    """Administrators act only inside their own region subtree."""
    if actor is None or actor.is_superuser:
        return
    if agency is None or not Agency.objects.filter(agency_filter(actor), pk=agency.pk).exists():
        raise NotFound()


def create_agency(
    *,
    actor,
    name: str,
    kind: str,
    level: str,
    region_code: str | None = None,
    country_code: str | None = None,
    short_name: str = "",
    parent: Agency | None = None,
) -> Agency:
    _require(actor, "agency.manage")
    region = _region_for_level(level, region_code)
    country = None
    if level == Level.ABROAD:
        country = Country.objects.filter(code=(country_code or "").upper()).first()
        if country is None:
            raise GugusError(_("A mission abroad needs its country."), field="country_code")
    agency = Agency(name=name.strip(), short_name=short_name.strip(), kind=kind, level=level, region=region,
                    country=country, parent=parent)
    if actor is not None and not actor.is_superuser:
        jurisdiction = actor.jurisdiction
        if jurisdiction != "" and (region is None or jurisdiction is None
                                   or not is_inside(region.code, jurisdiction)):
            raise GugusError(_("You can only add agencies inside your own region."), field="region_code")
    try:
        agency.full_clean()
    except ValidationError as exc:
        raise _first_error(exc) from exc
    with transaction.atomic():
        agency.save()
        record_event(actor=actor, action="agency.create", object_type="accounts.agency", object_id=agency.pk,
                     data={"name": agency.name, "kind": kind, "level": level, "region": region_code})
    return agency


def create_task_force(*, actor, name: str, level: str, region_code: str | None = None,
                      secretariat: Agency | None = None, members: list[Agency] | None = None,
                      decree: str = "") -> TaskForce:
    _require(actor, "taskforce.manage")
    if level == Level.ABROAD:
        raise GugusError(_("Task forces exist at national, province and regency/city level."), field="level")
    region = _region_for_level(level, region_code)
    with transaction.atomic():
        try:
            with transaction.atomic():
                tf = TaskForce.objects.create(name=name, level=level, region=region, secretariat=secretariat,
                                              decree=decree)
        except IntegrityError as exc:
            raise GugusError(_("This region already has a task force."), field="region_code") from exc
        if members:
            tf.members.set(members)
        for kind in SubTaskForce.Kind.values:
            SubTaskForce.objects.create(task_force=tf, kind=kind)
        record_event(actor=actor, action="taskforce.create", object_type="accounts.taskforce", object_id=tf.pk,
                     data={"name": name, "level": level, "region": region_code})
    return tf


def _first_error(exc: ValidationError) -> GugusError:
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.error_dict.items()))
        return GugusError(str(errors[0].messages[0]), field=field)
    return GugusError(exc.messages[0])


def create_user(
    *,
    actor,
    username: str,
    password: str,
    agency: Agency | None,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    must_change_password: bool = True,
    demo_otp_exempt: bool = False,
) -> User:
    _require(actor, "user.manage")
    _agency_in_reach(actor, agency)
    username = username.strip()
    if role not in Role.values:
        raise GugusError(_("Unknown role."), field="role")
    if User.objects.filter(username__iexact=username).exists():
        raise GugusError(_("This user name is already taken."), field="username")
    user = User(username=username, agency=agency, role=role, first_name=first_name, last_name=last_name,
                email=email, must_change_password=must_change_password, demo_otp_exempt=demo_otp_exempt)
    try:
        validate_password(password, user)
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise (GugusError(exc.messages[0], field="password") if not hasattr(exc, "error_dict")
               else _first_error(exc)) from exc
    user.set_password(password)
    with transaction.atomic():
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:  # a concurrent create of the same name
            raise GugusError(_("This user name is already taken."), field="username") from exc
        record_event(actor=actor, action="user.create", object_type="accounts.user", object_id=user.pk,
                     data={"username": username, "role": role, "agency": agency.pk if agency else None})
    return user


def update_user(*, actor, user: User, **changes) -> User:
    _require(actor, "user.manage")
    _agency_in_reach(actor, user.agency)
    if "agency" in changes:
        _agency_in_reach(actor, changes["agency"])
    if actor is not None and actor.pk == user.pk and changes.get("is_active") is False:
        raise GugusError(_("You cannot deactivate your own account."), field="is_active")
    changed = {}
    for field, value in changes.items():
        if field not in USER_FIELDS:
            raise GugusError(f"'{field}' cannot be changed here.")
        if getattr(user, field) != value:
            changed[field] = value.pk if hasattr(value, "pk") else value
            setattr(user, field, value)
    if not changed:
        return user
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise _first_error(exc) from exc
    with transaction.atomic():
        user.save(update_fields=list(changed))
        record_event(actor=actor, action="user.update", object_type="accounts.user", object_id=user.pk,
                     data={"changed": changed})
    return user


def reset_password(*, actor, user: User) -> str:
    """An administrator's reset: a one-time password to hand over; the user must change it at login."""
    _require(actor, "user.manage")
    _agency_in_reach(actor, user.agency)
    temporary = "-".join(secrets.token_hex(3) for _ in range(3))
    with transaction.atomic():
        user.set_password(temporary)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        record_event(actor=actor, action="user.password_reset", object_type="accounts.user", object_id=user.pk)
    return temporary


def change_own_password(*, user: User, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password):
        raise GugusError(_("Your current password is not correct."), field="old_password")
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise GugusError(exc.messages[0], field="new_password") from exc
    if old_password == new_password:
        raise GugusError(_("Choose a password different from the current one."), field="new_password")
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        record_event(actor=user, action="user.password_change", object_type="accounts.user", object_id=user.pk)


def reset_two_factor(*, actor, user: User) -> None:
    """Removes the user's authenticator; they enrol a new one at their next login."""
    _require(actor, "user.manage")
    _agency_in_reach(actor, user.agency)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        record_event(actor=actor, action="user.2fa_reset", object_type="accounts.user", object_id=user.pk)


def start_totp_enrolment(*, user: User) -> TOTPDevice:
    """An unconfirmed authenticator for the user (reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def confirm_totp_enrolment(*, user: User, device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token):
        record_event(actor=user, action="auth.2fa_enrol_failed", object_type="accounts.user", object_id=user.pk)
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        record_event(actor=user, action="auth.2fa_enrolled", object_type="accounts.user", object_id=user.pk)
    return True


def create_api_token(*, actor, agency: Agency, name: str, role: str = Role.OPERATOR) -> tuple[ApiToken, str]:
    """Returns the token record and the secret, which is shown once and never stored."""
    _require(actor, "token.manage")
    _agency_in_reach(actor, agency)
    if role in (Role.ADMINISTRATOR, Role.AUDITOR):
        raise GugusError(_("An integration token cannot carry this role."), field="role")
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        service_user = User.objects.create(
            username=f"api-{agency.pk}-{secrets.token_hex(4)}", agency=agency, role=role, is_service=True,
        )
        service_user.set_unusable_password()
        service_user.save(update_fields=["password"])
        token = ApiToken.objects.create(name=name.strip(), agency=agency, service_user=service_user,
                                        prefix=secret[:8], key_hash=hash_token(secret), created_by=actor)
        record_event(actor=actor, action="token.create", object_type="accounts.apitoken", object_id=token.pk,
                     data={"agency": agency.pk, "role": role, "name": token.name})
    return token, secret


def revoke_api_token(*, actor, token: ApiToken) -> None:
    _require(actor, "token.manage")
    _agency_in_reach(actor, token.agency)
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        token.service_user.is_active = False
        token.service_user.save(update_fields=["is_active"])
        record_event(actor=actor, action="token.revoke", object_type="accounts.apitoken", object_id=token.pk)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def break_glass(*, actor, object_type: str, object_id: int, reason: str) -> AccessGrant:
    """A supervisor opens one out-of-scope record for a limited time, with a written reason."""
    _require(actor, "break_glass")
    reason = (reason or "").strip()
    if len(reason) < 15:
        raise GugusError(_("Write the reason for emergency access (at least 15 characters)."), field="reason")
    expires = timezone.now() + timedelta(hours=settings.GUGUS_BREAK_GLASS_HOURS)
    with transaction.atomic():
        grant = AccessGrant.objects.create(object_type=object_type, object_id=object_id,
                                           kind=AccessGrant.Kind.BREAK_GLASS, grantee_user=actor,
                                           reason=reason, granted_by=actor, expires_at=expires)
        record_event(actor=actor, action="access.break_glass", object_type=object_type, object_id=object_id,
                     reason=reason, break_glass=True, data={"expires_at": expires.isoformat()})
    return grant


def grant_access(*, actor, object_type: str, object_id: int, agency: Agency, kind: str,
                 reason: str = "") -> AccessGrant:
    """Gives an agency access to one record (used by referrals and case sharing)."""
    with transaction.atomic():
        grant = AccessGrant.objects.create(object_type=object_type, object_id=object_id, kind=kind,
                                           grantee_agency=agency, reason=reason, granted_by=actor)
        record_event(actor=actor, action="access.grant", object_type=object_type, object_id=object_id,
                     reason=reason, data={"agency": agency.pk, "kind": kind})
    return grant


def revoke_access(*, actor, grant: AccessGrant, reason: str = "") -> None:
    with transaction.atomic():
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
        record_event(actor=actor, action="access.revoke", object_type=grant.object_type,
                     object_id=grant.object_id, reason=reason,
                     data={"agency": grant.grantee_agency_id, "user": grant.grantee_user_id, "kind": grant.kind})
