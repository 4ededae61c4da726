"""Charts as PNG bytes, drawn with matplotlib's Agg backend (no display, no fonts or files fetched).

Pure functions: numbers in, a small PNG (about 20-40 kB, 640 px wide) out, readable at chat-widget
width. The callers take every figure from the buyer's message or the knowledge store.
"""

from __future__ import annotations

import io
from collections import OrderedDict
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
from matplotlib.dates import DateFormatter  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from advisor.knowledge.store import MODELS, Snapshot  # noqa: E402
from advisor.replies.numbers import count, units  # noqa: E402

if TYPE_CHECKING:
    from advisor.understanding.buyer_text import Quote

WIDTH_INCHES, HEIGHT_INCHES, DPI = 6.4, 3.6, 100
COLOURS = {"OEM": "#135afe", "ODM": "#e8710a"}
VERDICT_COLOURS = {"fits": "#1e8e3e", "tight": "#f9ab00", "misses": "#d93025"}
THOUSANDS = FuncFormatter(lambda value, _: count(value))
REMEMBERED_CHARTS = 128
_rendered: OrderedDict[tuple, bytes] = OrderedDict()


def _remembered(key: tuple, render: Callable[[], bytes]) -> bytes:
    """The PNG drawn for `key`, drawn once: the same chart comes back often (every summary draws the
    buyer's launch timeline again), and drawing takes about 80 ms of the action server's time."""
    if key not in _rendered:
        _rendered[key] = render()
        while len(_rendered) > REMEMBERED_CHARTS:
            _rendered.popitem(last=False)
    _rendered.move_to_end(key)
    return _rendered[key]


def _figure() -> Figure:
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI)
    figure.set_facecolor("white")
    return figure


def to_png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def quote_chart(oem: Quote, odm: Quote, quantity: float | None, breakeven: float | None, currency: str | None) -> bytes:
    """`quote_figure` as PNG."""
    return _remembered(
        ("quote", oem, odm, quantity, breakeven, currency),
        lambda: to_png(quote_figure(oem, odm, quantity, breakeven, currency)),
    )


def quote_figure(
    oem: Quote, odm: Quote, quantity: float | None, breakeven: float | None, currency: str | None
) -> Figure:
    """Total cost against order quantity for both quotes, the break-even and the buyer's quantity marked."""
    marks = [q for q in (quantity, breakeven) if q]
    top = max(marks) * 1.6 if marks else 1000.0
    figure = _figure()
    axes = figure.add_subplot()
    symbol = (currency or "").replace("$", r"\$")  # a bare "$" would start matplotlib's math mode
    money = FuncFormatter(lambda value, _: f"{symbol}{count(value)}")
    for quote in (oem, odm):
        axes.plot(
            [0, top],
            [quote.total(0), quote.total(top)],
            color=COLOURS[quote.model],
            linewidth=2.2,
            label=f"{quote.model}: {money(quote.fixed)} + {symbol}{quote.per_unit:,.2f}/unit",
        )
    if breakeven:
        cost = oem.total(breakeven)
        axes.axvline(breakeven, color="#5f6368", linestyle="--", linewidth=1.2)
        axes.plot([breakeven], [cost], "o", color="#202124")
        axes.annotate(
            f"Break-even ≈ {units(breakeven)}",
            (breakeven, cost),
            textcoords="offset points",
            xytext=(6, -16),
            fontsize=9,
            color="#202124",
        )
    if quantity:
        axes.axvline(quantity, color="#188038", linewidth=1.6)
        axes.annotate(
            f"Your order: {units(quantity)}",
            (quantity, axes.get_ylim()[1]),
            textcoords="offset points",
            xytext=(4, -14),
            fontsize=9,
            color="#188038",
        )
    axes.set_xlim(0, top)
    axes.set_ylim(bottom=0)
    axes.xaxis.set_major_formatter(THOUSANDS)
    axes.yaxis.set_major_formatter(money)
    axes.set_xlabel("Order quantity (units)")
    axes.set_ylabel(f"Total cost ({symbol or 'your currency'})")
    axes.set_title("Your two quotes: total cost by order size", fontsize=11)
    axes.grid(alpha=0.3)
    axes.legend(loc="lower right", fontsize=8.5, frameon=False)
    figure.subplots_adjust(left=0.14, right=0.97, top=0.91, bottom=0.14)  # fixed margins: tight_layout draws twice
    return figure


def launch_verdict(weeks: float, window: tuple[float, float]) -> str:
    """'fits' (even the slow end is ready in time), 'tight' (only the fast end) or 'misses'."""
    low, high = window
    return "fits" if weeks >= high else "tight" if weeks >= low else "misses"


def launch_chart(
    today: date, launch_date: date, windows: dict[str, tuple[float, float]], labels: dict[str, str], source: str
) -> bytes:
    """`launch_figure` as PNG."""
    return to_png(launch_figure(today, launch_date, windows, labels, source))


def launch_figure(
    today: date, launch_date: date, windows: dict[str, tuple[float, float]], labels: dict[str, str], source: str
) -> Figure:
    """A timeline from today to the launch date with each model's development window (weeks, min..max).

    `labels` names each window as the table does ("OEM: 3-6 months"); `source` is the row cited.
    """
    weeks = (launch_date - today).days / 7
    figure = _figure()
    axes = figure.add_subplot()
    models = list(windows)
    for row, model in enumerate(reversed(models)):
        low, high = windows[model]
        verdict = launch_verdict(weeks, windows[model])
        start, end = today + timedelta(weeks=low), today + timedelta(weeks=high)
        axes.plot([today, start], [row, row], color="#9aa0a6", linewidth=1, linestyle=":")
        axes.barh(row, end - start, left=start, height=0.5, color=COLOURS.get(model, "#5f6368"), alpha=0.85)
        axes.annotate(
            verdict,
            (end, row),
            textcoords="offset points",
            xytext=(6, -4),
            fontsize=10,
            fontweight="bold",
            color=VERDICT_COLOURS[verdict],
        )
    axes.axvline(launch_date, color="#202124", linewidth=1.8)
    axes.annotate(
        f"Your launch: {launch_date:%d %b %Y}",
        (launch_date, len(models) - 0.45),
        textcoords="offset points",
        xytext=(-4, 0),
        ha="right",
        fontsize=9,
    )
    axes.axvline(today, color="#5f6368", linewidth=1)
    last = max([launch_date] + [today + timedelta(weeks=high) for _, high in windows.values()])
    axes.set_xlim(today - timedelta(days=3), last + (last - today) * 0.18)
    axes.set_ylim(-0.6, len(models) - 0.3)
    axes.set_yticks(range(len(models)))
    axes.set_yticklabels([labels.get(m, m) for m in reversed(models)], fontsize=9)
    axes.xaxis.set_major_formatter(DateFormatter("%d %b\n%Y"))
    axes.tick_params(axis="x", labelsize=8)
    axes.set_xlabel(f"Date (from today, {today:%d %b %Y}); bar = shortest to longest development", fontsize=9)
    axes.set_title("Development time against your launch date", fontsize=11)
    axes.grid(axis="x", alpha=0.3)
    figure.text(0.01, 0.01, source, fontsize=6.5, color="#5f6368")
    figure.subplots_adjust(left=0.2, right=0.97, top=0.91, bottom=0.24)
    return figure


def launch_chart_from_store(snapshot: Snapshot, today: date, weeks: float) -> bytes:
    """`launch_figure_from_store` as PNG."""
    return _remembered(
        ("launch", snapshot.version, today, weeks), lambda: to_png(launch_figure_from_store(snapshot, today, weeks))
    )


def launch_figure_from_store(snapshot: Snapshot, today: date, weeks: float) -> Figure:
    """`launch_figure` for a launch `weeks` from today, with the development-time row read from the store."""
    cells = {model: snapshot.cell("development_time", model) for model in MODELS}
    return launch_figure(
        today,
        today + timedelta(weeks=weeks),
        {model: cell.weeks_range() for model, cell in cells.items()},
        {model: f"{model}: {cell.range_text()}" for model, cell in cells.items()},
        snapshot.citation("development_time"),
    )
