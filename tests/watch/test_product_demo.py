"""The watch demo: ~200 posts, a case link for penyidik.malang only, a removed post and two alerts."""

from __future__ import annotations

import pytest
from django.db.models import F

from gugus.accounts.models import User
from gugus.core.demo import setup_demo
from gugus.watch import model as watch_model
from gugus.watch import selectors
from gugus.watch.demo import SOURCE, add_watch_demo
from gugus.watch.models import Alert, JobPost, TakedownStatus


@pytest.fixture(autouse=True)
def _small_model(monkeypatch, trained_model):
    monkeypatch.setattr(watch_model, "get_model", lambda: trained_model)


@pytest.mark.slow
def test_demo_posts_case_link_takedown_and_alerts(regions, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    setup_demo()
    assert add_watch_demo() == 202
    assert add_watch_demo() == 202  # idempotent
    removed = JobPost.objects.get(source=SOURCE, external_id="demo-9000")
    assert removed.takedowns.get().status == TakedownStatus.REMOVED
    assert set(Alert.objects.values_list("kind", flat=True)) >= {"text", "phone"}
    assert JobPost.objects.filter(level="high").count() > 20
    assert JobPost.objects.exclude(group_key=F("content_hash")).count() >= 20  # reposts grouped
    malang = User.objects.get(username="penyidik.malang")
    lotim = User.objects.get(username="penyidik.lotim")
    assert selectors.case_matches(malang, removed) and not selectors.case_matches(lotim, removed)
