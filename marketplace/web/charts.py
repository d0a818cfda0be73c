"""Chart geometry for server-drawn SVG: coordinates only, no markup and no queries.

Charts are SVG with real text drawn by templates/association/_charts.html, so they need no
script, no CDN and no font of their own: the browser draws the Chinese labels with the
page's fonts, and a screen reader reads the table beside each chart.
"""

from dataclasses import dataclass

WIDTH = 640
LINE_HEIGHT = 220
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 48, 16, 12, 28
BAR_ROW = 30  # pixels per category in a bar chart
BAR_LABEL_WIDTH = 190
MAX_X_LABELS = 7


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    segments: list[str]  # SVG polyline points, one per unbroken run of values
    dots: list[tuple[float, float, str]]  # x, y, title
    x_ticks: list[Tick]
    y_ticks: list[Tick]


def _x_positions(count: int, left: float, right: float) -> list[float]:
    if count == 1:
        return [(left + right) / 2]
    step = (right - left) / (count - 1)
    return [left + step * n for n in range(count)]


def _sparse_ticks(xs: list[float], labels: list[str]) -> list[Tick]:
    """At most MAX_X_LABELS labels, evenly spread, the first and last always among them."""
    if len(xs) <= MAX_X_LABELS:
        return [Tick(x, label) for x, label in zip(xs, labels, strict=True)]
    step = (len(xs) - 1) / (MAX_X_LABELS - 1)
    picks = sorted({round(step * n) for n in range(MAX_X_LABELS)})
    return [Tick(xs[n], labels[n]) for n in picks]


def rate_line(labels: list[str], rates: list[float | None], titles: list[str]) -> LineChart:
    """A 0–100 % line over time; days without a rate break the line instead of reading 0."""
    left, right = PAD_LEFT, WIDTH - PAD_RIGHT
    top, bottom = PAD_TOP, LINE_HEIGHT - PAD_BOTTOM
    xs = _x_positions(len(labels), left, right)
    segments, run, dots = [], [], []
    for x, rate, title in zip(xs, rates, titles, strict=True):
        if rate is None:
            segments, run = _close(segments, run), []
            continue
        y = bottom - (bottom - top) * min(max(rate, 0.0), 1.0)
        run.append(f"{x:.1f},{y:.1f}")
        dots.append((round(x, 1), round(y, 1), title))
    segments = _close(segments, run)
    y_ticks = [Tick(bottom - (bottom - top) * share, f"{share:.0%}") for share in (0, 0.5, 1)]
    return LineChart(
        WIDTH,
        LINE_HEIGHT,
        left,
        right,
        top,
        bottom,
        segments,
        dots,
        _sparse_ticks(xs, labels),
        y_ticks,
    )


def _close(segments: list[str], run: list[str]) -> list[str]:
    return [*segments, " ".join(run)] if len(run) > 1 else segments


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int  # index of the series: its colour and legend entry
    value: int


@dataclass(frozen=True)
class BarRow:
    label: str
    label_y: float
    bars: list[Bar]


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    plot_left: float
    rows: list[BarRow]
    series: list[str]


def bars(rows: list[tuple[str, list[int]]], series: list[str]) -> BarChart:
    """Horizontal bars, one row per category and one bar per series, scaled to the largest."""
    largest = max((v for _, values in rows for v in values), default=0) or 1
    left, right = BAR_LABEL_WIDTH, WIDTH - PAD_RIGHT - 40  # room for the value after a bar
    bar_height = (BAR_ROW - 8) / max(len(series), 1)
    drawn = []
    for n, (label, values) in enumerate(rows):
        top = PAD_TOP + n * BAR_ROW
        row_bars = [
            Bar(left, top + i * bar_height, (right - left) * v / largest, bar_height - 1, i, v)
            for i, v in enumerate(values)
        ]
        drawn.append(BarRow(label, top + (BAR_ROW - 8) / 2, row_bars))
    height = PAD_TOP + len(rows) * BAR_ROW + PAD_TOP
    return BarChart(WIDTH, height, left, drawn, series)
