"""ASVS V12 (files) and V7 (logs): uploads are judged by content and size, never by name or the browser's word;
no secret and no identifier reaches the logs during a full request cycle."""

from __future__ import annotations

import io
import logging

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from gugus.accounts import actions as accounts
from gugus.accounts.roles import Role
from gugus.core.errors import GugusError
from gugus.imports import actions as imports
from gugus.plans.uploads import check_upload
from gugus.portal.actions import _check_attachments
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

DISGUISED = {
    "foto.png": b"<html><script>alert(1)</script></html>",
    "bukti.pdf": b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
    "scan.jpg": b"MZ\x90\x00\x03\x00\x00\x00 a Windows program",
    "data.xlsx": b"PK\x03\x04 not really a zip",
}


@pytest.mark.parametrize("name,content", DISGUISED.items())
def test_portal_refuses_files_whose_content_is_not_a_photo_or_pdf(name, content):
    with pytest.raises(GugusError) as refused:
        _check_attachments([SimpleUploadedFile(name, content, content_type="image/png")])
    assert refused.value.field == "attachments"


def test_portal_refuses_oversized_and_too_many_files():
    big = SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (5 * 1024 * 1024 + 1))
    with pytest.raises(GugusError, match="5 MB"):
        _check_attachments([big])
    many = [SimpleUploadedFile(f"f{i}.png", b"\x89PNG\r\n\x1a\n\x00") for i in range(20)]
    with pytest.raises(GugusError):
        _check_attachments(many)


@pytest.mark.parametrize("name,content", DISGUISED.items())
def test_plan_evidence_refuses_disguised_files(name, content):
    with pytest.raises(GugusError):
        check_upload(SimpleUploadedFile(name, content, content_type="application/pdf"))


def test_plan_evidence_names_cannot_climb_out_of_the_folder():
    checked = check_upload(SimpleUploadedFile("../../etc/passwd.pdf", b"%PDF-1.4\n%%EOF"))
    assert "/" not in checked.name and "\\" not in checked.name


def test_plan_evidence_refuses_oversized_files(settings):
    from gugus.plans.config import rules

    limit = rules().max_upload_bytes
    with pytest.raises(GugusError):
        check_upload(io.BytesIO(b"%PDF-1.4\n" + b"0" * limit))


def test_imports_refuse_a_web_page_named_like_a_spreadsheet(org):
    with pytest.raises(GugusError):
        imports.upload(actor=org.malang_investigator, file_name="korban.xlsx",
                       content=b"<html><body><table><tr><td>x</td></tr></table></body></html>")


def test_no_secret_or_identifier_reaches_the_logs(client, org, caplog):
    """A whole cycle — failed and good sign-in, token, person with NIK and phone through the API, an
    update, a 404 and a 409 — logged at DEBUG: none of the values may appear in any log record."""
    nik, phone, passport = "3507014101950001", "081234567890", "C1234567"
    _record, token = accounts.create_api_token(actor=org.jatim_admin, agency=org.malang, name="SIMPEL",
                                               role=Role.INVESTIGATOR)
    with caplog.at_level(logging.DEBUG):
        client.post("/masuk/", {"username": org.malang_investigator.username, "password": "wrong-password-1"})
        client.post("/masuk/", {"username": org.malang_investigator.username, "password": PASSWORD})
        api = {"HTTP_AUTHORIZATION": f"Token {token}"}
        created = client.post("/api/v1/persons/", {"full_name": "Siti Aminah", "nik": nik, "phone": [phone],
                                                   "passport": [passport]}, content_type="application/json", **api)
        assert created.status_code == 201, created.content
        pk = created.json()["id"]
        client.patch(f"/api/v1/persons/{pk}/", {"version": 1, "full_name": "Siti A."},
                     content_type="application/json", **api)
        client.patch(f"/api/v1/persons/{pk}/", {"version": 1, "full_name": "Siti B."},
                     content_type="application/json", **api)  # 409
        client.get("/api/v1/persons/999999/", **api)
        client.get(f"/api/v1/persons/?identifier={phone}", **api)
        client.get("/api/v1/persons/", HTTP_AUTHORIZATION="Token not-a-real-token-but-secret-looking")
    text = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert caplog.records, "nothing was logged: the capture is not working"
    for secret in [PASSWORD, "wrong-password-1", token, nik, phone, passport, settings.SECRET_KEY,
                   settings.GUGUS_AUDIT_KEY, settings.GUGUS_INDEX_KEY, *settings.GUGUS_FIELD_KEYS,
                   "not-a-real-token-but-secret-looking"]:
        assert secret not in text, "a secret or an identifier reached the logs"
