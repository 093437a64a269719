"""Public pages: the job-offer check, information, language, page weight, safety (quick exit, no
inline scripts, no external assets, nothing fetched)."""

from __future__ import annotations

import re
import socket

import pytest
from django.contrib.staticfiles import finders

from gugus.portal import actions
from gugus.portal.models import OfferCheck

pytestmark = pytest.mark.django_db

SCAM = ("LOKER KAMBOJA!!! Dibutuhkan admin / customer service, gaji 15jt, tanpa pengalaman, "
        "tiket & visa ditanggung, berangkat cepat pakai visa turis. Daftar biaya admin 2jt transfer "
        "ke rek BCA 1234567890 a.n. pribadi. Hubungi WA 081234567890")
PUBLIC = ["/portal/", "/portal/lapor/", "/portal/status/", "/portal/cek-lowongan/", "/portal/informasi/"]


@pytest.fixture
def info_pages(db):
    actions.seed_info_pages()


def test_a_scam_offer_shows_its_red_flags_and_nothing_is_fetched(client, info_pages, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the job-offer check must not open connections")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    response = client.post("/portal/cek-lowongan/", {"text": SCAM, "link": "https://scam.example/loker"})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-level="high"' in html
    assert 'data-code="DEST_SCAM_HOTSPOT"' in html and 'data-code="FEE_TO_PERSONAL_ACCOUNT"' in html
    # The official channels (editable content) and the button to report it.
    assert 'id="verify"' in html and "SIAPkerja" in html
    assert 'name="prefill"' in html and 'value="https://scam.example/loker"' in html
    check = OfferCheck.objects.get()
    assert check.level == "high" and check.link == "https://scam.example/loker"


def test_report_this_offer_prefills_the_report_form(client, info_pages):
    page = client.post("/portal/lapor/", {"prefill": "1", "what": SCAM, "offer_link": "https://scam.example/x"})
    html = page.content.decode()
    assert page.status_code == 200 and "LOKER KAMBOJA" in html and "https://scam.example/x" in html
    assert 'name="from_check" value="1"' in html


def test_named_agency_licence_check(client, info_pages):
    text = ("PT Contoh Karya Migran Sejahtera (SIP3MI-CONTOH/001/2023) membuka lowongan resmi ke Taiwan, "
            "bebas biaya penempatan, perjanjian kerja ditandatangani di Disnaker.")
    html = client.post("/portal/cek-lowongan/", {"text": text}).content.decode()
    assert "PT Contoh Karya Migran Sejahtera" in html and 'data-level="high"' not in html
    unknown = client.post("/portal/cek-lowongan/", {"text": "PT Maju Jaya Abadi kirim TKW ke Arab Saudi, visa "
                                                            "ziarah, potong gaji 6 bulan"}).content.decode()
    assert "PT Maju Jaya Abadi" in unknown


def test_the_check_needs_a_text(client):
    response = client.post("/portal/cek-lowongan/", {"text": "  "})
    assert 'id="id_text_error"' in response.content.decode()


def test_english_is_one_switch_away_and_indonesian_is_default(client, info_pages):
    html = client.get("/portal/informasi/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="id"' in html and "Apa itu perdagangan orang" in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/portal/informasi/"})
    html = client.get("/portal/informasi/").content.decode()
    assert 'lang="en"' in html and "What is trafficking in persons" in html


@pytest.mark.parametrize("url", PUBLIC)
def test_public_pages_are_light_safe_and_open(client, task_forces, info_pages, url):
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    # Quick exit on every page, a plain link.
    assert 'data-testid="quick-exit"' in html and 'href="https://www.google.com/"' in html
    # No inline scripts, no external assets, no tracking.
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert 'src="/static/' in tag, tag
    assert not re.search(r"<script\b[^>]*>\s*[^<\s]", html), "inline script"
    assert not re.search(r"<[^>]+\son[a-z]+=", html), "inline event handler"
    assert not re.search(r'(src|href)="(https?:)?//(?!www\.google\.com/")', html.replace('rel="noreferrer', ""))
    assert "no-store" in response["Cache-Control"]
    # Every input has a label.
    for tag in re.findall(r'<(?:input|select|textarea)[^>]*>', html):
        if 'type="hidden"' in tag:
            continue
        field_id = re.search(r'\bid="([^"]+)"', tag).group(1)
        assert f'for="{field_id}"' in html, field_id


@pytest.mark.parametrize("url", PUBLIC)
def test_page_weight_under_200_kb(client, task_forces, info_pages, url):
    if url == "/portal/cek-lowongan/":
        response = client.post(url, {"text": "x " * 2000 + "kerja di Kamboja gaji 20jt"})
    else:
        response = client.get(url)
    html = response.content
    assets = re.findall(r'(?:src|href)="/static/([^"]+)"', html.decode())
    weight = len(html)
    for asset in assets:
        path = finders.find(asset)
        assert path, asset
        with open(path, "rb") as fh:
            weight += len(fh.read())
    assert weight <= 200 * 1024, f"{url}: {weight} bytes"


def test_what_reporters_post_is_hidden_from_error_reports(client, task_forces):
    for url in ("/portal/lapor/", "/portal/status/"):
        response = client.post(url, {"what": "x"})
        assert response.wsgi_request.sensitive_post_parameters == "__ALL__"
