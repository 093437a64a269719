"""The HTCDS vocabularies: every file parses, codes are unique and faithful to HTCDS v2.0."""

from __future__ import annotations

import tomllib

import pytest

from gugus.cases import identification
from gugus.cases.vocabularies import (
    VOCAB_DIR,
    UnknownCodeError,
    VocabularyError,
    all_vocabularies,
    parse_vocabulary,
    vocabulary,
    vocabulary_names,
)

# Value names copied from HTCDS v2.0 (Field_Standards / htcds_xlsform.xlsx), in HTCDS order.
HTCDS_CODES = {
    "trafficking_status": ["PossibleVictimOfTrafficking", "ActualVictimOfTrafficking",
                           "NotAVictimOfTrafficking"],
    "trafficking_status_decision_org": ["Police", "NGO", "CourtOrProsecution",
                                        "NonPoliceGovernmentalOrganization", "Other"],
    "relationship_to_trafficker": ["Familial", "Acquainted", "Unaquainted"],
    "methods_of_control": [
        "PhysicalThreats", "ThreatsLawEnforcement", "ThreatensChildrenFamily", "DebtBondage", "FalsePromises",
        "PhysicalAbuse", "SexualAbuse", "TakesEarnings", "RestrictsFinancialAccess", "RestrictsMedicalCare",
        "WithholdsNecessities", "PsychologicalAbuse", "PsychoactiveSubstance", "ExcessiveWorkingHours",
        "WithholdsDocuments", "Other",
    ],
    "exploitation_types": [
        "ForcedLabour", "SexualExploitation", "ChildLabour", "ForcedMarriage", "Servitude",
        "ForcedMilitaryByNonStateActors", "OrganRemoval", "ForcedBegging", "ForcedAdoption", "Surrogacy",
        "Other",
    ],
    "sex_exploitation_types": ["Prostitution", "Pornography", "RemoteInteractiveServices",
                               "PrivateSexualServices"],
    "perpetrator_roles": [
        "TravellingPartner", "Transporter", "RecruiterOrIntermediary", "BrokerTravelAgent",
        "TransferredIndividual", "HarbouredIndividual", "SoldIndividual", "BoughtIndividual",
        "ReceivedIndividual", "ControlledIndividual", "Smuggler", "Abuser", "Kidnapper", "Exploiter", "Other",
    ],
    "trafficking_event_types": ["Recruitment", "Transit", "Exploitation"],
    "support_plan_types": ["Education", "Financial", "Health", "LabourExploitationRehabilitation", "Legal",
                           "Livelihood", "RightsBasedTraining", "SexualExploitationRehabilitation",
                           "SocialCare"],
    "case_status": ["Active", "FollowUp", "Closed", "ClosedReferred"],
    "consent": ["TRUE", "FALSE"],
    "gender": ["Feminine", "Masculine", "TransgenderFeminine", "TransgenderMasculine", "NonConforming",
               "NonSpecifiedUnknown"],
    "organisation_types": ["NGO", "LawEnforcement", "HealthServiceOrganisation",
                           "CentralGovernmentOrganisation", "LocalGovernmentOrganisation",
                           "ImmigrationService", "LegalService",
                           "CorporateBusiness", "SchoolOrCollege"],
    "referral_reasons": ["AdditionalServicesRequired", "MigrationOrChangeOfLocation", "Other"],
}


@pytest.mark.parametrize("name", vocabulary_names())
def test_every_file_parses_with_unique_codes_and_both_labels(name):
    with (VOCAB_DIR / f"{name}.toml").open("rb") as fh:
        raw = tomllib.load(fh)
    vocab = vocabulary(name)
    assert vocab.name == name
    assert vocab.version and vocab.source
    codes = [t["code"] for t in raw["terms"]]
    assert len(codes) == len(set(codes)) == len(vocab.codes)
    for term in vocab:
        assert term.en.strip() and term.id.strip()
        assert term.code == term.code.strip()


def test_the_vocabularies_the_registry_needs_are_all_there():
    assert set(HTCDS_CODES) | {"forced_labour_industry", "recruitment_methods", "recruitment_platforms",
                               "integrated_services", "sex", "consent_guidance"} <= set(vocabulary_names())


@pytest.mark.parametrize("name", sorted(HTCDS_CODES))
def test_codes_are_htcds_value_names(name):
    vocab = vocabulary(name)
    htcds_terms = [t for t in vocab if not t.get("extension")]
    assert [t.code for t in htcds_terms] == HTCDS_CODES[name]


def test_sixteen_methods_of_control():
    assert len(vocabulary("methods_of_control")) == 16


def test_extensions_export_as_an_htcds_value():
    for vocab in all_vocabularies().values():
        for term in vocab:
            if term.get("extension"):
                assert term.htcds_value in vocab.codes and not vocab.term(term.htcds_value).get("extension")


def test_forced_labour_industry_is_isic_sections_with_optional_subdivisions():
    vocab = vocabulary("forced_labour_industry")
    sections = [t for t in vocab if t.get("tier") == 1]
    assert [t.get("isic")[0] for t in sections] == list("ABCDEFGHIJKLMNOPQRSTU")
    assert all(t.code.startswith(t.get("isic")[0] + "_") for t in sections)
    for term in vocab:
        if term.get("tier") in (2, 3):
            parent = vocab.term(term.get("parent"))
            assert parent.get("tier") == term.get("tier") - 1
            assert vocab.term(term.htcds_value).get("tier") == 1
            assert all(code.isdigit() for code in term.get("isic"))
    assert vocab.term("MarineFishingOrAquaculture").htcds_value == "A_AgricultureForestryAndFishing"
    assert vocab.term("EmploymentActivities").get("isic") == ["78"]


def test_choices_and_labels_in_both_languages():
    status = vocabulary("trafficking_status")
    assert status.choices("id")[0] == ("PossibleVictimOfTrafficking", "Diduga korban perdagangan orang")
    assert status.choices("en")[2] == ("NotAVictimOfTrafficking", "Not a victim of trafficking")
    assert status.label("ActualVictimOfTrafficking", "id-ID") == status.label("ActualVictimOfTrafficking")
    assert status.label("ActualVictimOfTrafficking", "en-GB") == "Actual victim of trafficking"
    assert status.title("id") == "Status korban perdagangan orang"


def test_unknown_codes_are_refused_by_name():
    roles = vocabulary("perpetrator_roles")
    assert roles.validate(["Transporter", "Exploiter"]) == ("Transporter", "Exploiter")
    with pytest.raises(UnknownCodeError) as exc:
        roles.validate(["Transporter", "Pimp", "Boss"])
    assert exc.value.codes == ("Pimp", "Boss")
    assert "Pimp" in str(exc.value) and "Transporter" in str(exc.value)
    with pytest.raises(UnknownCodeError):
        roles.label("Pimp")
    assert not roles.is_valid("Pimp") and "Exploiter" in roles


def test_single_valued_vocabulary_takes_one_code():
    status = vocabulary("case_status")
    assert status.validate("Active") == ("Active",)
    with pytest.raises(VocabularyError):
        status.validate(["Active", "Closed"])


def test_unknown_vocabulary_and_cache():
    with pytest.raises(VocabularyError):
        vocabulary("no_such_vocabulary")
    with pytest.raises(VocabularyError):
        vocabulary("../stages")
    assert vocabulary("sex") is vocabulary("sex")


@pytest.mark.parametrize(
    "terms, message",
    [
        ([{"code": "A", "en": "a", "id": "a"}, {"code": "A", "en": "b", "id": "b"}], "duplicate code"),
        ([{"code": "A", "en": "a"}], "lacks id"),
        ([], "no terms"),
    ],
)
def test_parser_rejects_bad_files(terms, message):
    data = {"name": "x", "version": "1", "source": "test", "en": "X", "id": "X", "terms": terms}
    with pytest.raises(VocabularyError, match=message):
        parse_vocabulary(data)


def test_hints_point_at_codes_of_the_identification_rules():
    rules = identification.load_rules()
    for term in vocabulary("methods_of_control"):
        if term.get("uu21_means"):
            assert term.get("uu21_means") in rules.groups["means"].codes
        if term.get("ilo_indicator"):
            assert term.get("ilo_indicator") in rules.groups["ilo"].codes
    for term in vocabulary("perpetrator_roles"):
        if term.get("uu21_process"):
            assert term.get("uu21_process") in rules.groups["process"].codes
    exploitation = vocabulary("exploitation_types")
    for item in rules.groups["purpose"].items:
        assert exploitation.validate(item.extra["htcds"])
