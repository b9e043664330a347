"""Convening charts, drawn on the server with matplotlib as SVG, so the page and the
packet PDF show the same picture. Each chart is returned as a ``data:`` URL: the page's
content security policy allows data images, and the PDF renderer reads nothing else.

Charts are drawn from the figures dict (``grants.selectors.summary.convening_figures``),
live or as published, never from a query of their own."""

import base64
import io
import threading
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

# Stable SVG ids and no timestamp: the same figures always give the same bytes. Text is
# drawn as paths: an SVG shown as an image cannot load web fonts, and a substitute font
# would no longer fit the space measured for it.
matplotlib.rcParams.update(
    {
        "svg.hashsalt": "pilot-grants",
        "svg.fonttype": "path",
        "font.family": ["Public Sans", "DejaVu Sans", "sans-serif"],
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)


def _add_project_fonts() -> None:
    """Measure and name text in the design system's font, which the page and the PDF
    both load; matplotlib falls back to DejaVu Sans if it is missing."""
    from django.contrib.staticfiles import finders
    from matplotlib import font_manager

    for name in ("PublicSans-Regular.ttf", "PublicSans-Bold.ttf"):
        path = finders.find(f"uswds/fonts/public-sans/{name}")
        if path:
            font_manager.fontManager.addfont(path)
    families = {font.name for font in font_manager.fontManager.ttflist}
    if "Public Sans" not in families:
        matplotlib.rcParams["font.family"] = ["DejaVu Sans", "sans-serif"]


_add_project_fonts()

BLUE = "#005ea2"
GOLD = "#e5a000"
# pyplot keeps global state; one chart is drawn at a time.
_LOCK = threading.Lock()


def _svg_data_url(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _bars(labels, values, *, title, xlabel, horizontal=False, color=BLUE):
    with _LOCK:
        height = max(2.2, 0.32 * len(labels) + 1) if horizontal else 3
        figure, axes = plt.subplots(figsize=(6.5, height))
        if horizontal:
            positions = range(len(labels))
            bars = axes.barh(list(positions), values, color=color)
            axes.set_yticks(list(positions), labels)
            axes.invert_yaxis()
            axes.set_xlabel(xlabel)
        else:
            bars = axes.bar(labels, values, color=color)
            axes.set_ylabel(xlabel)
        axes.bar_label(bars, padding=2)
        axes.set_title(title, loc="left", fontweight="bold")
        return _svg_data_url(figure)


def _histogram(figures):
    bins = figures["stipend_histogram"]
    stipends = figures["stipends"]
    with _LOCK:
        figure, axes = plt.subplots(figsize=(6.5, 3))
        lows = [float(b["low"]) for b in bins]
        width = float(Decimal(bins[0]["high"]) - Decimal(bins[0]["low"]))
        bars = axes.bar(
            lows, [b["count"] for b in bins], width=width, align="edge", color=BLUE, edgecolor="w"
        )
        axes.bar_label(bars, padding=2)
        mean = float(stipends["mean"])
        axes.axvline(mean, color=GOLD, linewidth=2, label=f"Mean ${stipends['mean']}")
        axes.legend(frameon=False, loc="upper right")
        axes.set_xlabel("Stipend amount (dollars)")
        axes.set_ylabel("Stipends paid")
        axes.set_title(
            f"Stipends paid: min ${stipends['min']}, max ${stipends['max']}, "
            f"mean ${stipends['mean']}",
            loc="left",
            fontweight="bold",
        )
        return _svg_data_url(figure)


def convening_charts(figures: dict) -> dict[str, str]:
    """Every convening chart for ``figures``, as data: URLs keyed by name. A chart with no
    data is left out; the page and packet show its table instead."""

    def pairs(key):
        rows = figures[key]
        return [label for label, _ in rows], [value for _, value in rows]

    charts = {}
    if figures["earned_by_site_named"]:
        charts["earned_by_site"] = _bars(
            *pairs("earned_by_site_named"),
            title="Micro-credentials earned per grant site",
            xlabel="Earned",
            horizontal=True,
        )
    if figures["earned_by_content_area_named"]:
        charts["earned_by_content_area"] = _bars(
            *pairs("earned_by_content_area_named"),
            title="Earned by content area",
            xlabel="Earned",
            horizontal=True,
        )
    if figures["earned_total"]:
        charts["first_vs_later"] = _bars(
            ["First attempt", "Later attempts"],
            [figures["earned_first_attempt"], figures["earned_later_attempt"]],
            title="Earned on the first attempt and on later attempts",
            xlabel="Earned",
        )
    if figures["participants_by_role_named"]:
        charts["participants_by_role"] = _bars(
            *pairs("participants_by_role_named"),
            title="Participants by role",
            xlabel="Participants",
            horizontal=True,
        )
    if figures["stipend_histogram"]:
        charts["stipends"] = _histogram(figures)
    supports = [row for row in figures["support_structures"] if row["sites"]]
    if supports:
        charts["support_structures"] = _bars(
            [f"{row['label']} ({row['sites']} sites)" for row in supports],
            [float(row["earned_rate"]) for row in supports],
            title="Share of participants who earned, by support structure used",
            xlabel="Participants who earned at least one (%)",
            horizontal=True,
            color=GOLD,
        )
    return charts
