"""Our 903 code lists against the DfE's own validator package, so a national change fails a test."""

import ast
from pathlib import Path

import lac_validator
import pytest

from children import codes
from reviews.models import ParticipationCode

RULES = Path(lac_validator.__file__).parent / "rules"


def _code_list(rule: str, variable: str = "code_list") -> set[str]:
    """The list the DfE rule checks against, from the newest rule set that defines the rule."""
    for ruleset in sorted((p for p in RULES.iterdir() if p.name.startswith("lac")), reverse=True):
        path = ruleset / f"rule_{rule}.py"
        if path.exists():
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == variable:
                    return set(ast.literal_eval(node.value))
    raise AssertionError(f"rule {rule} has no {variable}")


@pytest.mark.parametrize(
    ("choices", "rule", "variable"),
    [
        (codes.Sex, "101", "code_list"),
        (codes.Ethnicity, "103", "code_list"),
        (codes.ReasonNewEpisode, "143", "code_list"),
        (codes.LegalStatus, "144", "code_list"),
        (codes.CategoryOfNeed, "145", "code_list"),
        (codes.Placement, "146", "code_list"),
        (codes.ReasonCeased, "149", "code_list"),
        (codes.ReasonPlaceChange, "1009", "code_list"),
        (codes.PlacementProvider, "178", "code_list_placement_provider"),
        (ParticipationCode, "167", "code_list"),
    ],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_code_list_matches_the_dfe_validator(choices, rule, variable):
    assert set(choices.values) == _code_list(rule, variable)


def test_placements_without_provider_match_rule_178():
    assert _code_list("178", "code_list_placement_with_no_provider") == codes.PLACEMENTS_WITHOUT_PROVIDER
