"""Valid SSDA903 files for any number of children, for tests and benchmarks of the import: each child
has one period of care of 2 or 3 episodes (legal status and placement changes, some ended), reviews
held through it, and now and then a missing episode. Deterministic for a seed."""

import csv
import io
import random
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from ssda903.layout import COLUMNS, FILE_NAMES, format_date

TODAY = date(2026, 11, 25)
ETHNICITIES = ("WBRI", "BAFR", "BCRB", "MWBC", "WOTH", "AOTH")


def generate(n: int, *, seed: int = 1) -> dict[str, bytes]:
    rng = random.Random(seed)
    tables: dict[str, list[dict]] = {table: [] for table in COLUMNS}
    for i in range(n):
        child = f"G{i:06d}"
        dob = date(2006, 1, 1) + timedelta(days=rng.randint(0, 365 * 15))
        latest_start = min(date(2025, 6, 30), dob + relativedelta(years=17))
        earliest_start = max(date(2019, 1, 1), dob + timedelta(days=30))
        if latest_start <= earliest_start:
            dob = date(2012, 1, 1) + timedelta(days=rng.randint(0, 3000))
            earliest_start, latest_start = date(2020, 6, 1), date(2025, 6, 30)
        start = earliest_start + timedelta(days=rng.randint(0, (latest_start - earliest_start).days))
        eighteen = dob + relativedelta(years=18)
        sex = rng.choice("MF")
        tables["Header"].append(
            {
                "CHILD": child,
                "SEX": sex,
                "DOB": format_date(dob),
                "ETHNIC": rng.choice(ETHNICITIES),
                "UPN": f"A{i:012d}",
                "MOTHER": "0" if sex == "F" else "",  # given for every girl (DfE rule 393)
                "MC_DOB": "",
            }
        )

        episodes = [
            {"DECOM": start, "RNE": "S", "LS": "C1", "PLACE": "U6", "PLACE_PROVIDER": "PR1", "PL_POST": "SE22 0JP"}
        ]
        day = start
        for _ in range(rng.choice((1, 2))):
            day += timedelta(days=rng.randint(60, 400))
            if day >= min(TODAY, eighteen) - timedelta(days=30):
                break
            previous = episodes[-1]
            if previous["LS"] == "C1":  # a care order: legal status only
                episodes.append({**previous, "DECOM": day, "RNE": "L", "LS": "C2"})
            else:  # a move: placement only, with its reason
                previous["REASON_PLACE_CHANGE"] = rng.choice(("CARPL", "CHILD", "CREQB"))
                place = "U4" if previous["PLACE"] == "U6" else "U6"
                episodes.append(
                    {
                        **previous,
                        "DECOM": day,
                        "RNE": "P",
                        "PLACE": place,
                        "PLACE_PROVIDER": "PR4",
                        "PL_POST": rng.choice(("CR0 3AD", "BR1 3AZ", "SE17 3QL")),
                        "REASON_PLACE_CHANGE": "",
                    }
                )
        end = None
        if rng.random() < 0.4:
            end = episodes[-1]["DECOM"] + timedelta(days=rng.randint(30, 300))
            if end >= min(TODAY, eighteen):
                end = None
        for previous, episode in zip(episodes, episodes[1:], strict=False):
            previous["DEC"], previous["REC"] = episode["DECOM"], "X1"
        if end:
            episodes[-1]["DEC"], episodes[-1]["REC"] = end, rng.choice(("E4A", "E4B", "E13", "E8"))
        for e in episodes:
            tables["Episodes"].append(
                {
                    "CHILD": child,
                    "DECOM": format_date(e["DECOM"]),
                    "RNE": e["RNE"],
                    "LS": e["LS"],
                    "CIN": "N1",
                    "PLACE": e["PLACE"],
                    "PLACE_PROVIDER": e["PLACE_PROVIDER"],
                    "DEC": format_date(e.get("DEC")),
                    "REC": e.get("REC", ""),
                    "REASON_PLACE_CHANGE": e.get("REASON_PLACE_CHANGE", "") if e.get("REC") == "X1" else "",
                    "HOME_POST": "SE15 3WG",
                    "PL_POST": e["PL_POST"],
                    "URN": "2123456",
                }
            )

        last_day = min(end or TODAY, TODAY)
        held = start + timedelta(days=rng.randint(10, 27))
        gaps = [85, 170]
        while held <= last_day:
            code = (
                "PN0" if held < dob + relativedelta(years=4) else rng.choice(("PN1", "PN1", "PN1", "PN5", "PN6", "PN7"))
            )
            tables["Reviews"].append(
                {"CHILD": child, "DOB": format_date(dob), "REVIEW": format_date(held), "REVIEW_CODE": code}
            )
            held += timedelta(days=(gaps.pop(0) if gaps else 170) + rng.randint(-10, 12))

        first_end = episodes[0].get("DEC") or last_day
        if rng.random() < 0.1 and (first_end - start).days > 20:
            went = start + timedelta(days=10)
            tables["Missing"].append(
                {
                    "CHILD": child,
                    "DOB": format_date(dob),
                    "MISSING": rng.choice("MA"),
                    "MIS_START": format_date(went),
                    "MIS_END": format_date(went + timedelta(days=2)),
                }
            )

    files = {}
    for table, rows in tables.items():
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS[table], lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        files[FILE_NAMES[table]] = out.getvalue().encode()
    return files
