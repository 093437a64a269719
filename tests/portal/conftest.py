"""Portal fixtures: task forces at three levels with their secretariats, a fast screening engine, and a
clean cache (rate-limit counters) and media folder per test."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from gugus.accounts import actions as accounts
from gugus.accounts.models import AgencyKind, Level
from gugus.accounts.roles import Role
from gugus.portal import offers
from tests.factories import make_agency, make_user


@pytest.fixture(scope="session")
def portal_screener():
    from gugus.watch import model as watch_model
    from gugus.watch.screening import Screener

    return Screener(model=watch_model.train(n_seed=2000), group=False)


@pytest.fixture(autouse=True)
def _portal_env(settings, tmp_path, portal_screener):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    offers.set_screener(portal_screener)
    yield
    cache.clear()


def make_task_forces():
    """National; Jawa Timur (35) and Kab. Malang (35.07) with their secretariats; NTB (52) too.
    Jawa Tengah (33) has no task force, Kab. Blitar (35.05) neither."""
    national_sec = make_agency(Level.NATIONAL, kind=AgencyKind.SECRETARIAT, name="Sekretariat Gugus Tugas Pusat")
    jatim_sec = make_agency(Level.PROVINCE, "35", kind=AgencyKind.SECRETARIAT, name="Sekretariat GT Jatim")
    malang_sec = make_agency(Level.REGENCY, "35.07", kind=AgencyKind.SECRETARIAT, name="Sekretariat GT Malang")
    ntb_sec = make_agency(Level.PROVINCE, "52", kind=AgencyKind.SECRETARIAT, name="Sekretariat GT NTB")
    tf = SimpleNamespace(
        national=accounts.create_task_force(actor=None, name="Gugus Tugas Pusat", level=Level.NATIONAL,
                                            secretariat=national_sec),
        jatim=accounts.create_task_force(actor=None, name="Gugus Tugas Jawa Timur", level=Level.PROVINCE,
                                         region_code="35", secretariat=jatim_sec),
        malang=accounts.create_task_force(actor=None, name="Gugus Tugas Kab. Malang", level=Level.REGENCY,
                                          region_code="35.07", secretariat=malang_sec),
        ntb=accounts.create_task_force(actor=None, name="Gugus Tugas NTB", level=Level.PROVINCE,
                                       region_code="52", secretariat=ntb_sec),
    )
    users = SimpleNamespace(
        national=make_user(national_sec, Role.SECRETARIAT, "setgas.pusat"),
        jatim=make_user(jatim_sec, Role.SECRETARIAT, "setgas.jatim"),
        malang=make_user(malang_sec, Role.SECRETARIAT, "setgas.malang"),
        ntb=make_user(ntb_sec, Role.SECRETARIAT, "setgas.ntb"),
        jatim_analyst=make_user(jatim_sec, Role.ANALYST, "analis.jatim"),
    )
    return tf, users


@pytest.fixture
def task_forces(regions):
    return make_task_forces()


TOKEN_RE = re.compile(r'name="form_token" value="([^"]+)"')


def form_token(client) -> str:
    page = client.get("/portal/lapor/")
    assert page.status_code == 200
    return TOKEN_RE.search(page.content.decode()).group(1)


def report_data(token: str, **overrides) -> dict:
    data = {
        "form_token": token,
        "what": "Anak saya direkrut lewat Facebook untuk kerja di Kamboja, paspornya ditahan agen.",
        "province": "35",
        "regency": "35.07",
        "place": "Desa Sumberpucung",
        "when": "Maret",
        "who": "Agen bernama Budi",
        "anonymous": "on",
        "contact_way": "whatsapp",
        "contact": "081234567890",
        "website": "",
    }
    data.update(overrides)
    return data


def send_report(client, **overrides):
    return client.post("/portal/lapor/", report_data(form_token(client), **overrides))


CODE_RE = re.compile(r'data-testid="tracking-code">([^<]+)<')
SECRET_RE = re.compile(r'data-testid="secret">([^<]+)<')


def codes(response) -> tuple[str, str]:
    html = response.content.decode()
    return CODE_RE.search(html).group(1), SECRET_RE.search(html).group(1)


@pytest.fixture
def report_server(request, transactional_db):
    """A live server for concurrent clients. PostgreSQL: pytest-django's threaded live server (real
    concurrency). SQLite: the test database lives in memory and its one connection is shared with the
    server thread, which cannot take concurrent transactions; there the server handles one request at a
    time (clients still overlap, and double submits still race in the queue)."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.servers.basehttp import WSGIServer
    from django.db import connection, connections
    from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler

    if connection.vendor != "sqlite":
        yield request.getfixturevalue("live_server").url
        return

    class SerialServerThread(LiveServerThread):
        def _create_server(self, connections_override=None):
            return WSGIServer((self.host, self.port), QuietWSGIRequestHandler, allow_reuse_address=False)

    override = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    for conn in override.values():
        conn.inc_thread_sharing()
    thread = SerialServerThread("localhost", StaticFilesHandler, connections_override=override, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    try:
        yield f"http://{thread.host}:{thread.port}"
    finally:
        thread.terminate()
        for conn in override.values():
            conn.dec_thread_sharing()
