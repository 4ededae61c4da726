"""The charts: what they mark and label, their figures from the store, and their size."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from PIL import Image

from advisor.replies import answers
from advisor.replies.charts import (
    launch_chart_from_store,
    launch_figure,
    launch_figure_from_store,
    launch_verdict,
    quote_chart,
    quote_figure,
    to_png,
)
from advisor.understanding.buyer_text import Quote, break_even_quantity

OEM, ODM = Quote("OEM", 8000, 2.10), Quote("ODM", 500, 3.40)
TODAY = date(2026, 11, 27)
MAX_BYTES = 60_000


def texts(figure) -> list[str]:
    """Every text drawn on the figure: titles, labels, tick labels, annotations, legend entries."""
    to_png(figure)  # drawing places the tick labels
    return [t.get_text() for t in figure.findobj(lambda artist: hasattr(artist, "get_text")) if t.get_text()]


def test_quote_chart_marks_and_labels_the_break_even_and_the_buyers_quantity():
    breakeven = break_even_quantity(OEM, ODM)
    drawn = texts(quote_figure(OEM, ODM, 1000, breakeven, "$"))
    assert "Break-even ≈ 5,769 units" in drawn and "Your order: 1,000 units" in drawn
    assert "Order quantity (units)" in drawn and r"Total cost (\$)" in drawn
    assert r"\$10,000" in drawn and "4,000" in drawn  # thousands separators on both axes
    assert r"OEM: \$8,000 + \$2.10/unit" in drawn and r"ODM: \$500 + \$3.40/unit" in drawn


def test_quote_chart_without_a_break_even_or_quantity_says_neither():
    drawn = texts(quote_figure(Quote("OEM", 100, 2.0), Quote("ODM", 500, 3.0), None, None, None))
    assert not any(text.startswith(("Break-even", "Your order")) for text in drawn)
    assert "Total cost (your currency)" in drawn


@pytest.mark.parametrize(
    "render",
    [
        lambda snapshot: quote_chart(OEM, ODM, 12_000, break_even_quantity(OEM, ODM), "€"),
        lambda snapshot: launch_chart_from_store(snapshot, TODAY, 10),
    ],
)
def test_charts_are_light_pngs_readable_at_chat_width(snapshot, render):
    png = render(snapshot)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (640, 360)
    assert len(png) < MAX_BYTES


def test_launch_chart_draws_each_models_development_window_from_the_store(snapshot):
    figure = launch_figure(
        TODAY,
        TODAY + timedelta(weeks=3),
        {"OEM": (13, 26), "ODM": (2, 4)},
        {"OEM": "OEM: 3-6 months", "ODM": "ODM: 2-4 weeks"},
        snapshot.citation("development_time"),
    )
    drawn = texts(figure)
    assert {"OEM: 3-6 months", "ODM: 2-4 weeks", "misses", "tight", "Your launch: 18 Dec 2026"} <= set(drawn)
    assert snapshot.citation("development_time") in drawn
    bars = figure.axes[0].patches
    assert len(bars) == 2  # one window per model


@pytest.mark.parametrize("weeks", [1, 3, 4, 10, 20, 30])
def test_launch_verdicts_agree_with_the_written_feasibility_answer(snapshot, weeks):
    written = answers.answer_time_feasibility(snapshot, weeks)
    for model in ("OEM", "ODM"):
        cell = snapshot.cell("development_time", model)
        verdict = launch_verdict(weeks, cell.weeks_range())
        line = next(line for line in written.splitlines() if line.startswith(f"{model} ("))
        expected = {"fits": "fits", "tight": "possible only at the faster end", "misses": "not realistic"}[verdict]
        assert expected in line, (verdict, line)
    store_labels = {f"{m}: {snapshot.cell('development_time', m).range_text()}" for m in ("OEM", "ODM")}
    assert store_labels <= set(texts(launch_figure_from_store(snapshot, TODAY, weeks)))


def test_a_chart_asked_for_again_is_not_drawn_again(snapshot):
    quote = quote_chart(OEM, ODM, 777, break_even_quantity(OEM, ODM), "$")
    assert quote_chart(OEM, ODM, 777, break_even_quantity(OEM, ODM), "$") is quote
    assert quote_chart(OEM, ODM, 778, break_even_quantity(OEM, ODM), "$") != quote
    launch = launch_chart_from_store(snapshot, TODAY, 7)
    assert launch_chart_from_store(snapshot, TODAY, 7) is launch
