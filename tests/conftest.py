"""Shared fixtures: a small slice of the real region data, and named users built through the actions."""

from __future__ import annotations

import os
import shutil

import pytest

from gugus.regions.actions import load_regions
from gugus.regions.models import Region

# Jawa Timur, Jawa Tengah and Nusa Tenggara Barat down to kecamatan: enough for scope tests, fast to load.
TEST_PROVINCES = ["35", "33", "52"]


def ensure_regions() -> None:
    if not Region.objects.filter(code="35.07.01").exists():
        load_regions(provinces=TEST_PROVINCES, max_level=3)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_regions()


@pytest.fixture(autouse=True)
def _fast_hashing(request, settings):
    # Argon2 is the real hasher (tested on its own); tests that create many users use a fast one.
    if "argon2" not in request.keywords:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def regions(db):
    """The test regions, reloaded if a transactional test flushed them."""
    ensure_regions()


@pytest.fixture
def org(regions):
    """A small organisation: national secretariat, Jawa Timur, two kabupaten and a mission abroad."""
    from tests.factories import make_org

    return make_org()


# --- the browser: Playwright driving Debian's chromium (never a downloaded browser). One session for the
# whole run, shared by every browser test wherever it lives. Missing chromium: skipped locally, a failure in
# CI (GUGUS_REQUIRE_BROWSER=1).

CHROMIUM = os.environ.get("GUGUS_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("GUGUS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"chromium not found at {CHROMIUM}; install Debian's 'chromium' package")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; Django's ORM calls in the test body are still
    # synchronous and safe, so allow them (Django reads this at each call).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base = live_server.url
    yield page
    context.close()
