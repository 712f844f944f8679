"""The annual report's charts, drawn on the server as PNG (matplotlib's Agg backend, no display), so
the HTML page, the PDF and the Word document show the same pictures. Each chart also has a text
description (`AnnualReport.trend_description` and friends) and its figures are in a table beside it.
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache

from .annual import AnnualReport
from .kpis import PARTICIPATION_CODES

# GOV.UK Design System colours: dark blue and orange are told apart with most colour vision
# deficiencies, and the lines also differ in marker and style.
BLUE = "#1d70b8"
ORANGE = "#f47738"
BLACK = "#0b0c0c"
GREY = "#b1b4b6"
DPI = 150


@lru_cache(maxsize=1)
def _pyplot():
    # Imported on first use: matplotlib costs half a second to import, and most pages draw no chart.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "font.family": "DejaVu Sans",
            "font.size": 10,
            "axes.edgecolor": BLACK,
            "axes.labelcolor": BLACK,
            "xtick.color": BLACK,
            "ytick.color": BLACK,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return plt


def _png(figure) -> bytes:
    plt = _pyplot()
    buffer = io.BytesIO()
    # No "Software" stamp in the file: the same figures give the same bytes.
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


# Drawing a chart costs more than computing every figure of the report, and a chart is a pure
# function of the few values it shows: each is kept, per process, under exactly those values, so a
# changed figure draws a new chart and an unchanged one is never drawn twice. Nothing read from the
# database is cached, so no chart can be stale.
CHARTS_KEPT = 64


def trend_chart(report: AnnualReport) -> bytes:
    """NI66 and C63 (percent) over the year and the three before it."""
    years = report.years
    return _trend_png(
        tuple(y.year.label for y in years), tuple(y.ni66.percent for y in years), tuple(y.c63.percent for y in years)
    )


@lru_cache(maxsize=CHARTS_KEPT)
def _trend_png(labels: tuple[str, ...], ni66: tuple, c63: tuple) -> bytes:
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(6.4, 3.4))
    # NI66's values are labelled above its points and C63's below, so close values stay readable.
    for name, values, colour, marker, style, offset, align in (
        ("NI66: reviews in timescale", ni66, BLUE, "o", "-", 7, "bottom"),
        ("C63: participation", c63, ORANGE, "s", "--", -8, "top"),
    ):
        points = [(i, float(v)) for i, v in enumerate(values) if v is not None]
        if not points:
            continue
        xs, ys = zip(*points, strict=True)
        axes.plot(xs, ys, color=colour, marker=marker, linestyle=style, linewidth=2, label=name)
        for x, y in points:
            axes.annotate(
                f"{y:.1f}%", (x, y), textcoords="offset points", xytext=(0, offset), ha="center", va=align, fontsize=8
            )
    lowest = min((float(v) for v in (*ni66, *c63) if v is not None), default=0)
    axes.set_ylim(max(0, min(80, lowest - 10)), 106)  # room above 100% for the labels
    axes.set_yticks([tick for tick in axes.get_yticks() if 0 <= tick <= 100])
    axes.set_xticks(range(len(labels)), labels)
    axes.set_xlim(-0.4, len(labels) - 0.6)
    axes.set_ylabel("Children (%)")
    axes.yaxis.grid(True, color=GREY, linewidth=0.5)
    axes.set_axisbelow(True)
    if axes.lines:
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False, fontsize=8)
    else:
        axes.text(0.5, 0.5, "No reviews in these years", transform=axes.transAxes, ha="center", va="center")
    axes.set_title(f"Reviews in timescale and participation, {labels[0]} to {labels[-1]}", fontsize=10)
    return _png(figure)


def participation_chart(report: AnnualReport) -> bytes:
    """Reviews held in the year by participation code."""
    return _participation_png(report.year.label, tuple(report.participation[code] for code in PARTICIPATION_CODES))


@lru_cache(maxsize=CHARTS_KEPT)
def _participation_png(year_label: str, counts: tuple[int, ...]) -> bytes:
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(6.4, 3.2))
    bars = axes.barh(list(PARTICIPATION_CODES), counts, color=BLUE)
    axes.invert_yaxis()  # PN0 at the top, as in the table
    axes.bar_label(bars, labels=[f"{n:,}" for n in counts], padding=3, fontsize=8)
    axes.set_xlabel("Reviews held")
    axes.set_xlim(0, max(max(counts, default=0), 1) * 1.15)
    axes.xaxis.grid(True, color=GREY, linewidth=0.5)
    axes.set_axisbelow(True)
    axes.set_title(f"Participation of children in their reviews, {year_label}", fontsize=10)
    return _png(figure)


def charts(report: AnnualReport) -> list[dict]:
    """Each chart of the report: a slug, its title, the PNG, and the text that describes it."""
    return [
        {
            "slug": "trend",
            "title": "NI66 and C63 over four years",
            "png": trend_chart(report),
            "description": report.trend_description(),
        },
        {
            "slug": "participation",
            "title": "Participation in reviews",
            "png": participation_chart(report),
            "description": report.participation_description(),
        },
    ]


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
