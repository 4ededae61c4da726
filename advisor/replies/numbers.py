"""The one way the assistant writes a count: '1,200' and '1,200 units'."""

from __future__ import annotations


def count(value: float) -> str:
    """A whole number with thousands separators: 12000.4 -> '12,000'."""
    return f"{value:,.0f}"


def units(value: float) -> str:
    """An order size: 1200 -> '1,200 units'."""
    return f"{count(value)} units"
