"""The identification engine against the law: the legal matrix, consent, non-procedural migration,
ILO indicators, article selection, and the rules file as the only source of the logic."""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace
from itertools import product

import pytest

from gugus.cases.identification import (
    OUTCOMES,
    RULES_DIR,
    AnswerError,
    IdentificationAnswers,
    RulesError,
    assess,
    choices,
    latest_rules_version,
    load_rules,
    parse_rules,
    rules_versions,
)

ADULT, CHILD = 30, 15
PROCESS = {"recruitment", "transport"}
MEANS = {"deception"}
PURPOSE = {"forced_labour"}
MOVEMENTS = ("within_indonesia", "from_indonesia_abroad", "into_indonesia")
ARTICLE_FOR_MOVEMENT = {"within_indonesia": "pasal_2", "from_indonesia_abroad": "pasal_4", "into_indonesia": "pasal_3"}


def answers(**kw) -> IdentificationAnswers:
    return IdentificationAnswers(**kw)


def expected(age: int, process: bool, means: bool, purpose: bool, movement: str, rule: str):
    """The law as the rules v1 read it, written out independently of the engine.

    Pasal 2 (within Indonesia) needs process + means + purpose; for a child the Palermo rule drops
    the means, the strict rule does not. Pasal 3 (into Indonesia) and Pasal 4 (citizens abroad) name
    no means: process + purpose suffice. Otherwise two of the three elements, or exploitation alone,
    need further inquiry; less is not TPPO.
    """
    child = age < 18
    means_satisfied = means or (child and rule == "palermo")
    article = ARTICLE_FOR_MOVEMENT[movement]
    met = process and purpose and (means_satisfied if article == "pasal_2" else True)
    if met:
        return "strong_indication", (article,)
    if sum((process, means, purpose)) >= 2 or purpose:
        return "needs_inquiry", ()
    return "not_tppo", ()


MATRIX = list(product((ADULT, CHILD), (True, False), (True, False), (True, False), MOVEMENTS, ("palermo", "strict")))


@pytest.mark.parametrize(
    "age, process, means, purpose, movement, rule",
    MATRIX,
    ids=[f"{'child' if a < 18 else 'adult'}-p{int(p)}m{int(m)}u{int(u)}-{mv}-{r}" for a, p, m, u, mv, r in MATRIX],
)
def test_legal_matrix(age, process, means, purpose, movement, rule):
    result = assess(
        answers(
            process=PROCESS if process else (),
            means=MEANS if means else (),
            purpose=PURPOSE if purpose else (),
            movement=movement,
            age_at_events=age,
        ),
        child_rule=rule,
    )
    outcome, articles = expected(age, process, means, purpose, movement, rule)
    assert (result.outcome, result.likely_articles) == (outcome, articles)
    # The result always says which child rule and which rules version it used.
    assert result.child_rule == rule and result.rules_version == "1"
    assert result.child_status == ("yes" if age < 18 else "no")
    codes = [r.code for r in result.reasons]
    assert f"child_rule_{rule}" in codes
    # Each element is reported as present, missing, or waived for a child.
    for group, present in (("process", process), ("means", means), ("purpose", purpose)):
        if present:
            assert f"{group}_present" in codes
        elif group == "means" and age < 18 and rule == "palermo":
            assert "means_waived" in codes
        else:
            assert f"{group}_missing" in codes
    # The article for the movement is always discussed, met or not.
    assert ARTICLE_FOR_MOVEMENT[movement] in [a.code for a in result.articles]
    # Pasal 17 (child victim) is noted whenever a child case is not dismissed.
    assert ("pasal_17_child_victim" in codes) == (age < 18 and outcome != "not_tppo")
    assert all(r.id and r.en and r.id != r.en for r in result.reasons)


@pytest.mark.parametrize(
    "kw, rule, outcome, articles",
    [
        # An adult recruited within Indonesia by deception for forced labour.
        (
            dict(
                process={"recruitment"},
                means={"deception"},
                purpose={"forced_labour"},
                movement="within_indonesia",
                age_at_events=25,
            ),
            "palermo",
            "strong_indication",
            ("pasal_2",),
        ),
        # The same without the means: Pasal 2 is not complete for an adult.
        (
            dict(process={"recruitment"}, purpose={"forced_labour"}, movement="within_indonesia", age_at_events=25),
            "palermo",
            "needs_inquiry",
            (),
        ),
        # A 16-year-old recruited for prostitution, no means: the child rule decides.
        (
            dict(process={"recruitment"}, purpose={"prostitution"}, movement="within_indonesia", age_at_events=16),
            "palermo",
            "strong_indication",
            ("pasal_2",),
        ),
        (
            dict(process={"recruitment"}, purpose={"prostitution"}, movement="within_indonesia", age_at_events=16),
            "strict",
            "needs_inquiry",
            (),
        ),
        # A child sent and exploited: Pasal 6 needs no means, whichever child rule is used.
        (
            dict(
                process={"sending"},
                purpose={"forced_labour"},
                exploitation_occurred=True,
                movement="within_indonesia",
                is_child=True,
            ),
            "strict",
            "strong_indication",
            ("pasal_6",),
        ),
        # Exploitation only intended: Pasal 6 is not met under the strict rule.
        (
            dict(
                process={"sending"},
                purpose={"forced_labour"},
                exploitation_occurred=False,
                movement="within_indonesia",
                is_child=True,
            ),
            "strict",
            "needs_inquiry",
            (),
        ),
        # A foreigner brought into Indonesia for sexual exploitation.
        (
            dict(
                process={"transport", "receipt"},
                purpose={"prostitution"},
                movement="into_indonesia",
                indonesian_citizen=False,
                age_at_events=22,
            ),
            "palermo",
            "strong_indication",
            ("pasal_3",),
        ),
        # Child adoption with payment, for exploitation.
        (
            dict(
                process={"transfer"},
                means={"payment_or_benefit"},
                purpose={"forced_begging"},
                adoption=True,
                age_at_events=3,
                movement="within_indonesia",
            ),
            "strict",
            "strong_indication",
            ("pasal_2", "pasal_5"),
        ),
        # Movement not recorded but all three elements: strong, article still to be chosen.
        (
            dict(process={"recruitment"}, means={"debt_bondage"}, purpose={"forced_labour"}, age_at_events=40),
            "palermo",
            "strong_indication",
            (),
        ),
        # Nothing but a recruitment: not TPPO.
        (dict(process={"recruitment"}, movement="within_indonesia", age_at_events=30), "palermo", "not_tppo", ()),
        # Only exploitation known so far.
        (dict(purpose={"servitude"}, exploitation_occurred=True, age_at_events=30), "palermo", "needs_inquiry", ()),
    ],
)
def test_worked_cases(kw, rule, outcome, articles):
    result = assess(answers(**kw), child_rule=rule)
    assert (result.outcome, result.likely_articles) == (outcome, articles)


def test_pasal_4_is_for_citizens():
    kw = dict(process={"sending"}, purpose={"forced_labour"}, movement="from_indonesia_abroad", age_at_events=30)
    assert assess(answers(**kw)).likely_articles == ("pasal_4",)
    assert assess(answers(**kw, indonesian_citizen=True)).likely_articles == ("pasal_4",)
    foreigner = assess(answers(**kw, indonesian_citizen=False))
    assert foreigner.articles == () and foreigner.outcome == "needs_inquiry"


def test_pasal_5_names_what_is_missing():
    result = assess(answers(process={"transfer"}, purpose={"forced_labour"}, adoption=True, age_at_events=2))
    [p5] = [a for a in result.articles if a.code == "pasal_5"]
    assert not p5.met and p5.missing == ("means.payment_or_benefit",)
    [reason] = [r for r in result.reasons if r.code == "pasal_5"]
    assert "menjanjikan atau memberikan sesuatu" in reason.id and "promising or giving something" in reason.en


def test_movement_unknown_is_flagged():
    result = assess(answers(process={"recruitment"}, means={"deception"}, purpose={"forced_labour"}))
    assert result.decision == "definition_met"
    assert "movement_unknown" in [r.code for r in result.reasons]


@pytest.mark.parametrize(
    "kw",
    [
        dict(
            process={"recruitment"},
            means={"deception"},
            purpose={"forced_labour"},
            movement="within_indonesia",
            age_at_events=25,
        ),
        dict(process={"recruitment"}, purpose={"prostitution"}, movement="within_indonesia", age_at_events=19),
        dict(process={"recruitment"}, non_procedural=True, movement="from_indonesia_abroad", age_at_events=30),
        dict(process={"recruitment"}, purpose={"prostitution"}, movement="within_indonesia", age_at_events=16),
        dict(age_at_events=30),
    ],
)
@pytest.mark.parametrize("rule", ["palermo", "strict"])
def test_consent_is_irrelevant_and_the_reasons_say_so(kw, rule):
    without = assess(answers(**kw), child_rule=rule)
    with_consent = assess(answers(**kw, consent_given=True), child_rule=rule)
    assert (with_consent.outcome, with_consent.likely_articles) == (without.outcome, without.likely_articles)
    [note] = [r for r in with_consent.reasons if r.code == "consent_irrelevant"]
    assert "Pasal 26" in note.id and "Pasal 26" in note.en
    assert "dengan atau tanpa persetujuan korban" in note.id
    assert "consent_irrelevant" not in [r.code for r in without.reasons]


@pytest.mark.parametrize(
    "kw",
    [
        dict(non_procedural=True),
        dict(non_procedural_signs={"tourist_or_visit_visa"}),
        dict(non_procedural_signs={"umrah_or_pilgrimage_visa", "no_licensed_agency", "moratorium_country"}),
        dict(non_procedural=True, process={"recruitment", "transport"}),
        dict(non_procedural=True, process={"recruitment"}, ilo_indicators={"excessive_overtime"}),
    ],
)
@pytest.mark.parametrize("age", [ADULT, CHILD])
def test_non_procedural_migration_without_means_or_purpose(kw, age):
    result = assess(answers(**kw, movement="from_indonesia_abroad", age_at_events=age))
    assert result.outcome == "non_procedural_no_indication"
    assert result.outcome_label("id") == "PMI non-prosedural tanpa indikasi TPPO"
    assert "non_procedural_follow_up" in [r.code for r in result.reasons]


@pytest.mark.parametrize(
    "extra, outcome",
    [
        (dict(purpose={"forced_labour"}), "strong_indication"),  # Pasal 4: process + purpose
        (dict(means={"deception"}), "needs_inquiry"),  # process + means
        (dict(ilo_indicators={"deception", "retention_of_identity_documents"}), "needs_inquiry"),
    ],
)
def test_non_procedural_migration_with_more_is_not_dismissed(extra, outcome):
    base = dict(
        non_procedural_signs={"tourist_or_visit_visa"},
        process={"recruitment"},
        movement="from_indonesia_abroad",
        age_at_events=28,
    )
    result = assess(answers(**base, **extra))
    assert result.outcome == outcome
    assert "non_procedural_also_uu18" in [r.code for r in result.reasons]


def test_non_procedural_signs_suggest_means_to_check():
    result = assess(answers(non_procedural_signs={"falsified_documents"}, age_at_events=30))
    [hint] = [r for r in result.reasons if r.code == "suggests_falsified_documents"]
    assert "Pemalsuan" in hint.id and "Forgery" in hint.en


@pytest.mark.parametrize(
    "indicators, outcome",
    [
        (set(), "not_tppo"),
        ({"isolation"}, "not_tppo"),
        ({"isolation", "withholding_of_wages"}, "needs_inquiry"),
        ({"isolation", "withholding_of_wages", "excessive_overtime", "debt_bondage"}, "needs_inquiry"),
    ],
)
def test_ilo_indicators_raise_an_incomplete_case(indicators, outcome):
    result = assess(
        answers(process={"recruitment"}, ilo_indicators=indicators, movement="within_indonesia", age_at_events=30)
    )
    assert result.outcome == outcome
    if indicators:
        [line] = [r for r in result.reasons if r.code == "ilo_observed"]
        assert f"{len(indicators)} dari 11" in line.id and f"{len(indicators)} of the 11" in line.en


def test_ilo_indicators_alone_with_a_non_procedural_migrant():
    result = assess(answers(non_procedural=True, ilo_indicators={"debt_bondage", "isolation"}, age_at_events=30))
    assert result.outcome == "needs_inquiry" and result.decision == "ilo_indicators"
    assert "suggests_debt_bondage" in [r.code for r in result.reasons]


def test_ilo_threshold_comes_from_the_rules():
    rules = replace(load_rules(), ilo_threshold=3)
    two = answers(ilo_indicators={"isolation", "withholding_of_wages"}, age_at_events=30)
    assert assess(two).outcome == "needs_inquiry"
    assert assess(two, rules=rules).outcome == "not_tppo"


def test_pasal_18_forced_criminality():
    for kw in (dict(forced_to_commit_crime=True), dict(purpose={"forced_criminality"})):
        result = assess(answers(process={"recruitment"}, movement="from_indonesia_abroad", age_at_events=23, **kw))
        [note] = [r for r in result.reasons if r.code == "pasal_18_forced_crime"]
        assert "tidak dipidana" in note.id and "not punished" in note.en


def test_pasal_16_organised_group():
    result = assess(
        answers(
            process={"recruitment"},
            means={"deception"},
            purpose={"prostitution"},
            movement="within_indonesia",
            organised_group=True,
            age_at_events=20,
        )
    )
    assert "pasal_16_organised_group" in [r.code for r in result.reasons]


def test_child_status_from_age_or_flag():
    assert assess(answers(age_at_events=17)).child_status == "yes"
    assert assess(answers(age_at_events=18)).child_status == "no"
    assert assess(answers(is_child=True)).child_status == "yes"
    assert assess(answers()).child_status == "unknown"


def test_unknown_age_warns_when_it_could_change_the_outcome():
    result = assess(answers(process={"recruitment"}, purpose={"prostitution"}, movement="within_indonesia"))
    assert result.outcome == "needs_inquiry"
    assert "child_age_unknown" in [r.code for r in result.reasons]


def test_strict_rule_says_what_palermo_would_conclude():
    result = assess(
        answers(process={"recruitment"}, purpose={"prostitution"}, movement="within_indonesia", age_at_events=14),
        child_rule="strict",
    )
    assert "child_means_required_strict" in [r.code for r in result.reasons]
    assert "Protokol Palermo" in result.child_rule_label("id") or "ketat" in result.child_rule_label("id")


def test_default_child_rule_is_the_files():
    assert assess(answers()).child_rule == load_rules().default_child_rule == "palermo"


@pytest.mark.parametrize(
    "kw, field",
    [
        (dict(process={"kidnap"}), "process"),
        (dict(means={"bribery"}), "means"),
        (dict(purpose={"fun"}), "purpose"),
        (dict(ilo_indicators={"low_pay"}), "ilo_indicators"),
        (dict(non_procedural_signs={"no_visa"}), "non_procedural_signs"),
        (dict(movement="to_mars"), "movement"),
        (dict(age_at_events=-1), "age_at_events"),
        (dict(age_at_events=20, is_child=True), "contradicts"),
        (dict(exploitation_occurred=True), "exploitation_occurred"),
    ],
)
def test_bad_answers_are_refused_with_a_clear_message(kw, field):
    with pytest.raises(AnswerError, match=field):
        assess(answers(**kw))


def test_unknown_child_rule_is_refused():
    with pytest.raises(AnswerError, match="child_rule"):
        assess(answers(), child_rule="lenient")


def test_assessment_is_stored_as_json_with_its_rules_version():
    ans = answers(
        process={"recruitment", "sending"},
        means={"deception"},
        purpose={"forced_labour"},
        movement="from_indonesia_abroad",
        age_at_events=24,
        consent_given=True,
    )
    record = json.loads(json.dumps(assess(ans).to_dict()))
    assert record["rules_version"] == "1" and record["child_rule"] == "palermo"
    assert record["outcome"] == "strong_indication"
    assert record["outcome_label"] == {
        "id": "Indikasi kuat TPPO",
        "en": "Strong indication of TPPO (trafficking in persons)",
    }
    assert IdentificationAnswers.from_dict(record["answers"]) == ans
    with pytest.raises(AnswerError):
        IdentificationAnswers.from_dict({"bogus": 1})


def test_choices_for_the_form():
    assert [c for c, _ in choices("process")] == [
        "recruitment",
        "transport",
        "harbouring",
        "sending",
        "transfer",
        "receipt",
    ]
    assert len(choices("means")) == 9 and len(choices("ilo")) == 11
    assert dict(choices("means", "id"))["debt_bondage"] == "Penjeratan utang"
    assert [c for c, _ in choices("movement")] == list(MOVEMENTS)
    assert [c for c, _ in choices("outcome")] == list(OUTCOMES)
    assert set(dict(choices("child_rule"))) == {"palermo", "strict"}


# --- the rules file is the logic ---------------------------------------------------------------


def _rules_data() -> dict:
    with (RULES_DIR / f"rules-v{latest_rules_version()}.toml").open("rb") as fh:
        return tomllib.load(fh)


def test_rules_versions():
    assert rules_versions() == ("1",) and latest_rules_version() == "1"
    assert load_rules("1") is load_rules("v1") is load_rules()
    with pytest.raises(RulesError):
        load_rules("99")


def test_changing_the_data_changes_the_result():
    data = _rules_data()
    data["version"] = "2"
    for art in data["articles"]:
        if art["code"] == "pasal_4":
            art["elements"] = [*art["elements"], "means.satisfied"]  # a stricter reading of Pasal 4
    data["child_rule"] = "strict"
    v2 = parse_rules(data)
    ans = answers(process={"sending"}, purpose={"forced_labour"}, movement="from_indonesia_abroad", age_at_events=30)
    assert assess(ans).outcome == "strong_indication"
    result = assess(ans, rules=v2)
    assert (result.outcome, result.rules_version, result.child_rule) == ("needs_inquiry", "2", "strict")


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d["decisions"][0].update(all=["means.decepton"]), "unknown flag 'means.decepton'"),
        (lambda d: d["articles"][0].update(elements=["purpose.presnt"]), "unknown flag"),
        (lambda d: d.update(child_rule="lenient"), "child_rule"),
        (lambda d: d["templates"]["group_present"].update(en="{group}: {itemz}"), "placeholder"),
        (lambda d: d["decisions"].pop(), "default outcome"),
        (lambda d: d["notes"][0].pop("en"), "needs both"),
        (lambda d: d["groups"]["ilo"]["items"][0].update(suggests="means.nothing"), "suggests unknown flag"),
    ],
)
def test_inconsistent_rules_are_refused_on_load(mutate, message):
    data = _rules_data()
    mutate(data)
    with pytest.raises(RulesError, match=message):
        parse_rules(data)
