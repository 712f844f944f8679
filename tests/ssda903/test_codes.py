"""The 903 code lists by collection year against the DfE's own validator package, so a national change
fails a test rather than a return."""

import pytest

from children import codes
from children.models import MissingEpisode
from reviews.models import ParticipationCode
from ssda903 import code_lists


def test_the_committed_tables_are_the_validator_packages():
    """children/code_lists.json is what ssda903/code_lists.py makes of the installed package today:
    run `python manage.py ssda903_code_lists` after upgrading it."""
    assert code_lists.TARGET.read_text(encoding="utf-8") == code_lists.source()


@pytest.mark.parametrize(
    ("choices", "field"),
    [
        (codes.Ethnicity, "ETHNIC"),
        (codes.ReasonNewEpisode, "RNE"),
        (codes.LegalStatus, "LS"),
        (codes.CategoryOfNeed, "CIN"),
        (codes.Placement, "PLACE"),
        (codes.ReasonCeased, "REC"),
        (codes.ReasonPlaceChange, "REASON_PLACE_CHANGE"),
        (codes.PlacementProvider, "PLACE_PROVIDER"),
        (ParticipationCode, "REVIEW_CODE"),
        (MissingEpisode.Kind, "MISSING"),
    ],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_the_service_holds_every_code_of_every_year_with_its_meaning(choices, field):
    assert set(choices.values) == codes.ever_valid(field)


def test_sex_is_1_or_2_before_2024_25_and_m_f_or_u_from_then():
    assert codes.codes_in("SEX", 2014) == codes.codes_in("SEX", 2024) == {"1", "2"}
    assert codes.codes_in("SEX", 2025) == codes.codes_in("SEX", 2040) == set(codes.Sex.values)


@pytest.mark.parametrize(
    ("code", "valid_in", "not_valid_in", "validity", "until"),
    [
        ("H5", (2010, 2023, 2025), (2026, 2027), "H5 was used until 2024-25", 2025),
        ("P2", (2013, 2025), (2026,), "P2 was used until 2024-25", 2025),
        ("Z1", (2013, 2025), (2026,), "Z1 was used until 2024-25", 2025),
        ("K3", (2026, 2030), (2013, 2025), "K3 is used from 2025-26", None),
        ("Z11", (2026,), (2025,), "Z11 is used from 2025-26", None),
        ("U4", (2010, 2026, 2030), (), "U4 is valid in every year", None),
    ],
)
def test_placement_codes_by_year(code, valid_in, not_valid_in, validity, until):
    # Years before the package's first rule set (2022-23) use its lists; years after its last, the last's.
    assert all(code in codes.codes_in("PLACE", year) for year in valid_in)
    assert not any(code in codes.codes_in("PLACE", year) for year in not_valid_in)
    assert codes.validity("PLACE", code) == validity
    assert codes.used_until("PLACE", code) == until


def test_a_code_outside_its_years_is_explained_with_the_years_it_was_valid():
    assert codes.code_break("PLACE", "H5", range(2024, 2028)) == (
        "H5 is not a valid PLACE code in 2025-26 to 2026-27, whose return holds this record: "
        "H5 was used until 2024-25 (DfE rule 146)"
    )
    assert codes.code_break("PLACE", "H5", [2013, 2014]) == ""
    assert codes.code_break("PLACE", "K3", [2020, 2026]).startswith("K3 is not a valid PLACE code in 2019-20,")


def test_the_rules_that_treat_placements_apart_change_with_the_years():
    # T4 needs no provider until 2024-25 (DfE rule 178); from 2025-26 it does, and Z1 gave way to Z11-Z14.
    assert {"T4", "Z1"} <= codes.placement_list("PLACEMENTS_WITHOUT_PROVIDER", 2014)
    assert "T4" not in codes.PLACEMENTS_WITHOUT_PROVIDER and "Z11" in codes.PLACEMENTS_WITHOUT_PROVIDER
    # Rule 242 (URN XXXXXXX only for regional adoption agencies) came in 2025-26.
    assert codes.placement_list("PLACEMENTS_WITH_RAA_URN", 2025) is None
    assert "U4" in codes.placement_list("PLACEMENTS_WITH_RAA_URN", 2026)
