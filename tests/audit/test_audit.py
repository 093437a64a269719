"""The audit log: every write and every read of a person, append-only, hash-chained, verifiable."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from gugus.audit.actions import record_event, verify_chain
from gugus.audit.models import AuditEvent
from gugus.cases import actions as cases
from gugus.cases.models import Person
from gugus.core.errors import GugusError
from tests.factories import make_person, sign_in

pytestmark = pytest.mark.django_db


def test_writes_and_reads_of_a_person_are_recorded_with_who_and_where(client, org):
    person = make_person(org.malang_investigator, nik="3507014501900001")
    created = AuditEvent.objects.get(action="person.create", object_id=str(person.pk))
    assert created.actor_id == org.malang_investigator.pk
    assert created.agency_id == org.malang.pk
    # The log names fields, never the values of identities.
    assert "3507014501900001" not in str(created.data) and "Siti" not in str(created.data)

    sign_in(client, org.malang_investigator)
    client.get(reverse("cases:person_detail", args=[person.pk]), REMOTE_ADDR="10.1.2.3")
    read = AuditEvent.objects.filter(action="person.view", object_id=str(person.pk)).latest("seq")
    assert read.actor_name == "penyidik.malang" and read.ip == "10.1.2.3"

    client.get(reverse("cases:person_list"))
    listed = AuditEvent.objects.filter(action="person.list").latest("seq")
    assert person.pk in listed.data["ids"]


def test_a_failed_write_leaves_neither_record_nor_audit_row(org):
    before = (Person.objects.count(), AuditEvent.objects.count())
    with pytest.raises(GugusError):
        cases.create_person(actor=org.malang_investigator, full_name="Rina", nik="12345")
    assert (Person.objects.count(), AuditEvent.objects.count()) == before


def test_chain_verifies_and_names_the_first_edited_row(org):
    for i in range(5):
        make_person(org.malang_investigator, f"Korban {i}")
    assert verify_chain().ok
    victim_row = AuditEvent.objects.filter(action="person.create").order_by("seq")[2]
    _edit_by_hand(victim_row.seq, "auditor-forged")
    result = verify_chain()
    assert not result.ok and result.first_broken == victim_row.seq
    with pytest.raises(CommandError, match=f"#{victim_row.seq}"):
        call_command("audit-verify")


def test_a_deleted_row_is_detected(org):
    for i in range(3):
        make_person(org.malang_investigator, f"Korban {i}")
    middle = AuditEvent.objects.order_by("seq")[1].seq
    AuditEvent.objects.filter(seq=middle).delete()
    result = verify_chain()
    assert result.first_broken == middle and "missing" in result.problem


def test_a_deleted_tail_is_detected(org):
    make_person(org.malang_investigator)
    last = AuditEvent.objects.order_by("-seq").first().seq
    AuditEvent.objects.filter(seq=last).delete()
    assert verify_chain().first_broken == last


def test_the_database_refuses_updates_to_audit_rows(org):
    row = record_event(actor=None, action="test.event")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=row.seq).update(action="tampered")


def test_intact_chain_command(org, capsys):
    call_command("audit-verify")
    assert "intact" in capsys.readouterr().out


def _edit_by_hand(seq: int, actor_name: str) -> None:
    """What a database administrator could do: lift the guard, edit a row, put the guard back."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update")
            cur.execute("UPDATE audit_auditevent SET actor_name = %s WHERE seq = %s", [actor_name, seq])
            cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_update")
        else:
            cur.execute("DROP TRIGGER audit_event_no_update")
            cur.execute("UPDATE audit_auditevent SET actor_name = %s WHERE seq = %s", [actor_name, seq])
            cur.execute("CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent "
                        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;")


def test_auditors_filter_the_log_and_others_cannot_see_it(client, org):
    person = make_person(org.malang_investigator)
    sign_in(client, org.malang_investigator)
    assert client.get(reverse("core:audit_log")).status_code == 404
    assert client.get("/api/v1/audit/").status_code == 403

    sign_in(client, org.auditor)
    page = client.get(reverse("core:audit_log"), {"username": "penyidik.malang", "object_type": "cases.person",
                                                  "object_id": person.pk})
    assert page.status_code == 200
    rows = list(page.context["page"])
    assert rows and all(e.actor_name == "penyidik.malang" and e.object_id == str(person.pk) for e in rows)
    today = timezone.localdate(rows[0].at).isoformat()
    assert list(client.get(reverse("core:audit_log"), {"since": "2000-01-01", "until": "2000-01-02"})
                .context["page"]) == []
    assert list(client.get(reverse("core:audit_log"), {"since": today}).context["page"])
    assert client.get("/api/v1/audit/", {"actor_name": "penyidik.malang"}).status_code == 200


def test_a_regional_auditor_reads_only_their_region_s_events(client, org):
    from gugus.accounts.roles import Role
    from tests.factories import make_user

    make_person(org.malang_investigator)
    make_person(org.lotim_investigator, "Baiq Nurul")
    jatim_auditor = make_user(org.jatim, Role.AUDITOR, "auditor.jatim")
    sign_in(client, jatim_auditor)
    names = {e["actor_name"] for e in client.get("/api/v1/audit/", {"limit": 500}).json()["results"]}
    assert "penyidik.malang" in names and "penyidik.lotim" not in names
    lotim_event = AuditEvent.objects.filter(actor_name="penyidik.lotim").first()
    assert client.get(f"/api/v1/audit/{lotim_event.seq}/").status_code == 404
