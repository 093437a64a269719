"""Appending to the audit log and verifying its chain. The only code that writes AuditEvent."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from gugus.audit.context import current_ip
from gugus.audit.models import AuditEvent, AuditHead

GENESIS = "0" * 64


def _digest(event: AuditEvent) -> str:
    payload = [
        event.seq,
        event.at.isoformat(),
        event.actor_id,
        event.actor_name,
        event.agency_id,
        event.action,
        event.object_type,
        event.object_id,
        event.ip,
        event.reason,
        event.break_glass,
        event.data,
        event.prev_hash,
    ]
    body = json.dumps(payload, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(settings.GUGUS_AUDIT_KEY.encode(), body.encode(), hashlib.sha256).hexdigest()


def record_event(
    *,
    actor,
    action: str,
    object_type: str = "",
    object_id: object = "",
    data: dict | None = None,
    reason: str = "",
    break_glass: bool = False,
    ip: str | None = None,
) -> AuditEvent:
    """Appends one event. Call inside the transaction of the change it records, so both land or neither.

    ``data`` must never hold identities or identifier values: name the changed fields, not their content.
    """
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        # Round-trip through JSON so the stored and the hashed forms are the same value.
        clean_data = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            actor_name=getattr(actor, "username", "") or ("system" if actor is None else ""),
            agency_id=getattr(actor, "agency_id", None),
            action=action,
            object_type=object_type,
            object_id=str(object_id or ""),
            ip=ip or current_ip.get(),
            reason=reason,
            break_glass=break_glass,
            data=clean_data,
            prev_hash=head.hash,
        )
        event.hash = _digest(event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


@dataclass
class VerifyResult:
    checked: int
    first_broken: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken is None


def _events(batch: int = 5000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify_chain() -> VerifyResult:
    """Recomputes every hash in order; names the first event that was edited, removed or inserted."""
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    for event in _events():
        if event.seq != expected_seq:
            return VerifyResult(checked, expected_seq, f"event #{expected_seq} is missing")
        if event.prev_hash != expected_prev:
            return VerifyResult(checked, event.seq, "its link to the previous event does not match")
        if not hmac.compare_digest(_digest(event), event.hash):
            return VerifyResult(checked, event.seq, "its content does not match its hash (edited)")
        expected_prev, expected_seq, checked = event.hash, event.seq + 1, checked + 1
    head = AuditHead.objects.filter(id=1).first()
    if head and head.seq != expected_seq - 1:
        return VerifyResult(checked, expected_seq, f"the log ends at #{expected_seq - 1} but #{head.seq} was written")
    return VerifyResult(checked)
