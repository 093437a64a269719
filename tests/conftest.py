"""Shared fixtures: a small slice of the real region data, and named users built through the actions."""

from __future__ import annotations

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
