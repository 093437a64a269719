"""Property tests (hypothesis) of the parsers that read what people and files type: they never crash on any
input, only ever answer with a value or the product's own error, and round-trip what they accept.

Covered elsewhere: post text normalisation and extraction (tests/watch/test_extract.py), name preparation
(tests/linkage/test_prepare.py). Here: NIK check, identifier normalisation, import cell parsing (dates, ages,
whole rows), partial dates of events, portal tracking codes.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gugus.cases.actions import parse_partial_date
from gugus.cases.identifiers import check_nik, normalise_identifier
from gugus.core.errors import GugusError
from gugus.imports.convert import _age, convert_row, parse_date
from gugus.imports.selectors import PlaceResolver
from gugus.imports.targets import target_names
from gugus.portal.actions import normalise_code

FAST = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
KINDS = ["nik", "phone", "passport", "bank_account", "social_handle"]
anything = st.one_of(st.none(), st.text(max_size=60), st.integers(-10**6, 10**12),
                     st.floats(allow_nan=True, allow_infinity=True), st.dates(), st.datetimes())


@FAST
@given(kind=st.sampled_from(KINDS), raw=st.text(max_size=60))
def test_normalise_identifier_never_crashes_and_is_idempotent(kind, raw):
    value = normalise_identifier(kind, raw)
    assert value is None or (isinstance(value, str) and value)
    if value is not None and kind in ("nik", "bank_account", "social_handle", "passport"):
        assert normalise_identifier(kind, value) == value


@FAST
@given(digits=st.text(alphabet="0123456789", min_size=16, max_size=16),
       noise=st.sampled_from(["", " ", "-", ".", "  "]))
def test_a_nik_is_its_16_digits_whatever_the_separators(digits, noise):
    spaced = noise.join([digits[:6], digits[6:12], digits[12:]])
    assert normalise_identifier("nik", spaced) == digits


@FAST
@given(local=st.text(alphabet="0123456789", min_size=8, max_size=11))
def test_an_indonesian_mobile_number_has_one_form_in_every_writing(local):
    number = "8" + local
    forms = {normalise_identifier("phone", f"0{number}"), normalise_identifier("phone", f"+62{number}"),
             normalise_identifier("phone", f"62 {number[:3]}-{number[3:]}")}
    assert len(forms) == 1


@pytest.mark.django_db
@FAST
@given(raw=st.text(max_size=30))
def test_check_nik_never_crashes_on_any_text(regions, raw):
    result = check_nik(raw)
    assert isinstance(result.errors, list) and isinstance(result.warnings, list)
    if not result.errors:
        assert len(result.nik) == 16 and result.birth_date is not None


@pytest.mark.django_db
@FAST
@given(birth=st.dates(dt.date(1940, 1, 1), dt.date(2029, 12, 31)), female=st.booleans(),
       serial=st.integers(1, 9999))
def test_a_well_formed_nik_gives_back_its_date_and_sex(regions, birth, female, serial):
    day = birth.day + (40 if female else 0)
    nik = f"350701{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"
    result = check_nik(nik)
    assert not result.errors, result.errors
    assert (result.birth_date.month, result.birth_date.day, result.birth_date.year % 100) == \
        (birth.month, birth.day, birth.year % 100)
    assert result.sex == ("F" if female else "M")
    assert result.region_code == "35.07.01"


@FAST
@given(value=anything)
def test_import_dates_answer_a_date_none_or_a_named_error(value):
    try:
        parsed = parse_date(value, "reported_on")
    except GugusError as exc:
        assert exc.field == "reported_on"
    else:
        assert parsed is None or isinstance(parsed, dt.date)


@FAST
@given(day=st.dates(dt.date(1950, 1, 1), dt.date(2049, 12, 31)))
def test_import_dates_read_every_common_writing_of_one_day(day):
    for text in (day.strftime("%d/%m/%Y"), day.strftime("%d-%m-%Y"), day.isoformat(), day.strftime("%d.%m.%Y")):
        assert parse_date(text, "d") == day


@FAST
@given(value=anything)
def test_import_ages_answer_a_whole_number_none_or_a_named_error(value):
    try:
        age = _age(value, "estimated_age")
    except GugusError as exc:
        assert exc.field == "estimated_age"
    else:
        assert age is None or (isinstance(age, int) and 0 <= age <= 999)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_a_whole_import_row_of_anything_gives_values_or_named_problems(regions, data):
    names = sorted(target_names())
    record = data.draw(st.dictionaries(st.sampled_from(names), anything, max_size=len(names)))
    values, problems = convert_row(record, PlaceResolver("35"))
    assert isinstance(values, dict)
    for problem in problems:
        assert isinstance(problem, GugusError) and problem.field


@FAST
@given(value=st.one_of(st.text(max_size=12), st.dates(), st.none()))
def test_event_dates_answer_a_date_and_precision_or_an_error(value):
    try:
        day, precision = parse_partial_date(value)
    except GugusError as exc:
        assert exc.field == "date"
    else:
        assert day is None or isinstance(day, dt.date)
        assert precision


@FAST
@given(raw=st.text(max_size=40))
def test_portal_tracking_codes_normalise_idempotently(raw):
    code = normalise_code(raw)
    assert normalise_code(code) == code
    assert code == code.upper()
