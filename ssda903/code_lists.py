"""Generates children/code_lists.json, the SSDA903 code lists by collection year, from the DfE's own
validator package (csc-validator-be-903, imported as `lac_validator`).

    python manage.py ssda903_code_lists          # rewrites children/code_lists.json

The package holds one rule set per collection year from 2022-23 (`lac_validator.rules.lac2022_23`,
...): each year's registry maps a rule's code to the function that year applies, the newest version
of the rule up to that year. A rule that checks a field against a list of codes holds the list as a
literal in its module (`code_list = ["A3", ...]`), so each year's list is read from the source of
the module its registry names. tests/ssda903/test_code_lists.py regenerates the tables and compares
them with the committed file, so a new version of the package that changes a list fails a test; the
service itself never imports the package, which pins old versions of pandas and numpy.
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import inspect
import json
import logging
import pkgutil
from pathlib import Path

# Each coded field: the DfE rule that checks its codes, and the name of the list in the rule's module.
FIELDS = {
    "SEX": ("101", "code_list"),
    "ETHNIC": ("103", "code_list"),
    "MOTHER": ("165", "valid_values"),
    "RNE": ("143", "code_list"),
    "LS": ("144", "code_list"),
    "CIN": ("145", "code_list"),
    "PLACE": ("146", "code_list"),
    "PLACE_PROVIDER": ("178", "code_list_placement_provider"),
    "REC": ("149", "code_list"),
    "REASON_PLACE_CHANGE": ("1009", "code_list"),
    "REVIEW_CODE": ("167", "code_list"),
    "MISSING": ("1006", "code_list"),
}
# Lists of placements the rules treat apart; a year whose rule set has no such rule has None.
RULE_LISTS = {
    "PLACEMENTS_WITHOUT_PROVIDER": ("178", "code_list_placement_with_no_provider"),
    "PLACEMENTS_URN_NOT_REQUIRED": ("218", "pl_list"),
    "PLACEMENTS_WITHOUT_URN": ("222", "place_code_list"),
    "PLACEMENTS_WITH_RAA_URN": ("242", "place_code_list"),
    "TEMPORARY_PLACEMENTS": ("226", "code_list"),
}

TARGET = Path(__file__).resolve().parents[1] / "children" / "code_lists.json"


def _years() -> list[int]:
    """The collection years the package has a rule set for, by the year each ends (lac2022_23: 2023)."""
    rules = importlib.import_module("lac_validator.rules")
    names = [m.name for m in pkgutil.iter_modules(rules.__path__) if m.name.startswith("lac")]
    return sorted(int(name[3:7]) + 1 for name in names)


def _list_in(function, variable: str) -> tuple[str, ...] | None:
    tree = ast.parse(inspect.getsource(inspect.getmodule(function)))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == variable:
            # The return's codes are upper case: the 2024-25 set's "k3" matches no return, so it is
            # left out, as it is in effect by the validator (K3 is valid from 2025-26).
            return tuple(sorted(code for code in ast.literal_eval(node.value) if code == code.upper()))
    raise LookupError(f"{function.__module__} has no list {variable}")


def tables() -> dict:
    """{"years": [...], "codes": {field: {year: codes}}, "rule_lists": {name: {year: codes | None}}}."""
    logging.getLogger("lac_validator").setLevel(logging.WARNING)
    ruleset_utils = importlib.import_module("lac_validator.rules.ruleset_utils")
    years = _years()
    registries = {year: ruleset_utils.get_year_ruleset(str(year)) for year in years}
    codes = {
        field: {year: _list_in(registries[year][rule].func, variable) for year in years}
        for field, (rule, variable) in FIELDS.items()
    }
    rule_lists = {
        name: {
            year: _list_in(registries[year][rule].func, variable) if rule in registries[year] else None
            for year in years
        }
        for name, (rule, variable) in RULE_LISTS.items()
    }
    return {"years": years, "codes": codes, "rule_lists": rule_lists}


def source() -> str:
    """The text of children/code_lists.json: one line per field (or list) and year, to read and diff."""
    data = tables()
    version = importlib.metadata.version("csc-validator-be-903")

    def by_year(rule: str, years: dict) -> str:
        lines = [f'"{year}": {json.dumps(codes)}' for year, codes in years.items()]
        joined = ",\n      ".join(lines)
        return f'{{"rule": "{rule}", "years": {{\n      {joined}\n    }}}}'

    def section(specs: dict, values: dict) -> str:
        return ",\n".join(f'    "{name}": {by_year(specs[name][0], years)}' for name, years in values.items())

    return (
        "{\n"
        f'  "source": "csc-validator-be-903 {version}, by ssda903/code_lists.py: do not edit",\n'
        f'  "first_year": {data["years"][0]},\n'
        f'  "last_year": {data["years"][-1]},\n'
        f'  "codes": {{\n{section(FIELDS, data["codes"])}\n  }},\n'
        f'  "lists": {{\n{section(RULE_LISTS, data["rule_lists"])}\n  }}\n'
        "}\n"
    )


def write() -> Path:
    TARGET.write_text(source(), encoding="utf-8")
    return TARGET
