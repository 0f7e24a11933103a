"""The series chart as plain SVG geometry, computed on the server (no JavaScript, no CDN).

One line per (speaker, subject, metric) from `/v1/metrics/{id}/series`: x is the reference date,
drawn as the interval its precision covers (a month-dated point is a bar across the
month); y is the figure, with the band of a hedged value as an error bar and an open band
("over": no upper bound) as an arrow to the top of the plot.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.dates import parse_partial_date
from app.explorer.present import PRECISION_LENGTH, short_figure

WIDTH, HEIGHT = 720, 380
LEFT, RIGHT, TOP, BOTTOM = 72, 24, 28, 44
# Okabe-Ito colours that keep 3:1 against white, with a shape each so colour is not needed.
STYLES = [
    ("#0072B2", "circle"),
    ("#C24E00", "square"),
    ("#007A5A", "triangle"),
    ("#A8508A", "diamond"),
    ("#222222", "circle"),
    ("#7A5200", "square"),
]


@dataclass
class Point:
    x: float
    x_from: float
    x_to: float
    y: float
    y_low: float
    y_high: float
    open_up: bool
    open_down: bool
    label: str
    href: str
    title: str
    show_label: bool = True


@dataclass
class Line:
    name: str
    colour: str
    shape: str
    path: str
    points: list[Point]


@dataclass
class Chart:
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    lines: list[Line]


def _interval(point: dict[str, Any]) -> tuple[date, date]:
    text = point["reference_date"][: PRECISION_LENGTH[point["reference_precision"]]]
    parsed = parse_partial_date(text)
    return parsed.first_day, parsed.last_day


def _nice_step(span: float, count: int = 5) -> float:
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def _months(first: date, last: date) -> list[date]:
    months, current = [], date(first.year, first.month, 1)
    while current <= last:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def series_chart(series: list[dict[str, Any]], claim_href: str = "/claims/{}") -> Chart | None:
    """The chart of every dated point, or None when there is none."""
    dated = [(s, p, *_interval(p)) for s in series for p in s["points"]]
    if not dated:
        return None
    first = min(d[2] for d in dated) - timedelta(days=10)
    last = max(d[3] for d in dated) + timedelta(days=10)
    figures = [
        v
        for _, p, *_ in dated
        for v in (p["value"], p["value_low"], p["value_high"])
        if v is not None
    ]
    step = _nice_step(max(max(figures), 1) * 1.1)
    y_max = step * math.ceil(max(max(figures), 1) * 1.1 / step)
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    days = max((last - first).days, 1)

    def x_of(day: date) -> float:
        return round(LEFT + (day - first).days / days * (right - LEFT), 1)

    def y_of(value: float) -> float:
        return round(bottom - value / y_max * (bottom - TOP), 1)

    months = _months(first, last)
    every = max(1, math.ceil(len(months) / 8))
    x_ticks = [(x_of(m), m.isoformat()[:7]) for m in months[::every] if m >= first]
    y_ticks = [(y_of(i * step), _tick(i * step)) for i in range(int(y_max / step) + 1)]

    lines = []
    for index, (name, one_line) in enumerate(_lines(series)):
        colour, shape = STYLES[index % len(STYLES)]
        points = []
        for point in one_line:
            start, end = _interval(point)
            low, high, value = point["value_low"], point["value_high"], point["value"]
            centre = (
                value
                if value is not None
                else ((low or 0) + (high if high is not None else low or 0)) / 2
            )
            x_from, x_to = x_of(start), x_of(end)
            label = short_figure(point)
            when = point["reference_date"][: PRECISION_LENGTH[point["reference_precision"]]]
            points.append(
                Point(
                    x=round((x_from + x_to) / 2, 1),
                    x_from=x_from,
                    x_to=x_to,
                    y=y_of(centre),
                    y_low=y_of(low) if low is not None else bottom,
                    y_high=y_of(high) if high is not None else TOP,
                    open_up=high is None,
                    open_down=low is None,
                    label=label,
                    href=claim_href.format(point["claim_id"]),
                    title=f"{label} ({when}), {name}",
                )
            )
        path = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(points))
        lines.append(Line(name, colour, shape, path, points))
    _thin_labels([p for line in lines for p in line.points])
    return Chart(WIDTH, HEIGHT, LEFT, right, TOP, bottom, y_ticks, x_ticks, lines)


def _lines(series: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """One line per series, that is per (speaker, subject, metric); named by its metric too
    when narrower metrics are included."""
    several = len({one["metric"]["id"] for one in series}) > 1
    lines = []
    for one in series:
        name = f"{one['speaker']['name']} on {one['subject']['name']}"
        lines.append((f"{name}: {one['metric']['name']}" if several else name, one["points"]))
    return lines


def _thin_labels(points: list[Point], width: float = 48, height: float = 14) -> None:
    """Hide a value label that would overprint one already placed (the table has them all)."""
    placed: list[Point] = []
    for point in sorted(points, key=lambda p: (p.x, -p.y)):
        if any(abs(point.x - q.x) < width and abs(point.y - q.y) < height for q in placed):
            point.show_label = False
        else:
            placed.append(point)


def _tick(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"
