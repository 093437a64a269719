"""Login, logout and failed logins come from django.contrib.auth's signals; they are audited here."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from gugus.audit.actions import record_event
from gugus.audit.context import client_ip


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record_event(actor=user, action="auth.login", object_type="accounts.user", object_id=user.pk,
                 ip=client_ip(request) if request else None)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record_event(actor=user, action="auth.logout", object_type="accounts.user", object_id=user.pk,
                     ip=client_ip(request) if request else None)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # The attempted user name is recorded (it may be a typo of a real one), never the password.
    record_event(actor=None, action="auth.login_failed", object_type="accounts.user",
                 data={"username": str(credentials.get("username", ""))[:150]},
                 ip=client_ip(request) if request else None)
