"""How the explorer writes the API's values: dates at their precision, figures with their
hedge and band. Registered as Jinja filters in `router.py`."""

from typing import Any

# A date string cut to its precision reads right both while the API sends "YYYY-MM-DD"
# (first day) plus a precision and once it sends "2025" / "2025-01" (issue 10, point 3).
PRECISION_LENGTH = {"year": 4, "month": 7, "day": 10}


def at_precision(value: str | None, precision: str | None) -> str:
    """`("2025-01-01", "year")` -> `"2025"`; no date -> empty."""
    if not value:
        return ""
    return value[: PRECISION_LENGTH.get(precision or "day", 10)]


def period(claim: dict[str, Any]) -> str:
    """The reference period, each end at its precision: `2024-08 – 2025-01-06`, `to 2025-01`."""
    start = at_precision(claim.get("period_start"), claim.get("period_start_precision"))
    end = at_precision(claim.get("period_end"), claim.get("period_end_precision"))
    if start and end:
        return start if start == end else f"{start} – {end}"
    if end:
        return f"to {end}"
    if start:
        return f"from {start}"
    return ""


def number(value: float | None) -> str:
    """`12000.0` -> `12,000`; `0.5` -> `0.5`; none -> `open`."""
    if value is None:
        return "open"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def figure(claim: dict[str, Any]) -> str:
    """The figure as the text hedges it: `more than 3,000`, `3,000–4,000`, `860`."""
    if claim.get("qualifier") == "range" or claim.get("value") is None:
        text = f"{number(claim.get('value_low'))}–{number(claim.get('value_high'))}"
    else:
        text = number(claim["value"])
    hedge = claim.get("hedge")
    return f"{hedge} {text}" if hedge else text


def band(claim: dict[str, Any]) -> str:
    """The [low, high] band disagreements compare; empty when it is the figure itself."""
    low, high = claim.get("value_low"), claim.get("value_high")
    if low is not None and low == high:
        return ""
    return f"{number(low)} to {number(high)}"


SHORT_FORMS = {"at_least": "{}+", "at_most": "≤{}", "approximate": "~{}"}


def short_figure(point: dict[str, Any]) -> str:
    """A chart label: `700+` (at least), `≤50`, `~12,000`, `3,000–4,000`, `860`."""
    if point.get("qualifier") == "range" or point.get("value") is None:
        return f"{number(point.get('value_low'))}–{number(point.get('value_high'))}"
    return SHORT_FORMS.get(point["qualifier"], "{}").format(number(point["value"]))
