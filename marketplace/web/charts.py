"""Chart geometry for server-drawn SVG: coordinates only, no markup and no queries.

Charts are SVG with real text drawn by templates/association/_charts.html, so they need no
script, no CDN and no font of their own: the browser draws the Chinese labels with the
page's fonts, and a screen reader reads the table beside each chart.
"""

import math
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


MAP_HEIGHT = 420
MAP_PAD = 24
MAP_CELL = 14  # pixels: points closer than this are drawn as one circle with their count
MIN_SPAN_DEGREES = 0.05


@dataclass(frozen=True)
class Blob:
    x: float
    y: float
    r: float
    count: int


@dataclass(frozen=True)
class MapLabel:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class ScatterMap:
    width: int
    height: int
    workers: list[Blob]
    places: list[Blob]
    labels: list[MapLabel]


class _Projection:
    """Degrees to pixels: longitude shrunk by the cosine of latitude, north up, fitted."""

    def __init__(self, points: list[tuple[float, float]]):
        lats = [p[0] for p in points] or [0.0]
        lons = [p[1] for p in points] or [0.0]
        self.lat0, self.lon0 = min(lats), min(lons)
        self.squash = math.cos(math.radians((min(lats) + max(lats)) / 2))
        span_x = max((max(lons) - self.lon0) * self.squash, MIN_SPAN_DEGREES)
        span_y = max(max(lats) - self.lat0, MIN_SPAN_DEGREES)
        self.scale = min((WIDTH - 2 * MAP_PAD) / span_x, (MAP_HEIGHT - 2 * MAP_PAD) / span_y)
        self.top = MAP_PAD + span_y * self.scale

    def __call__(self, lat: float, lon: float) -> tuple[float, float]:
        x = MAP_PAD + (lon - self.lon0) * self.squash * self.scale
        return x, self.top - (lat - self.lat0) * self.scale


def _blobs(points: list[tuple[float, float, int]], project: _Projection) -> list[Blob]:
    """Points binned into MAP_CELL squares; each bin one circle, its area the bin's count."""
    bins: dict[tuple[int, int], list[float]] = {}
    for lat, lon, count in points:
        x, y = project(lat, lon)
        cell = bins.setdefault((int(x // MAP_CELL), int(y // MAP_CELL)), [0.0, 0.0, 0])
        cell[0] += x * count
        cell[1] += y * count
        cell[2] += count
    return [
        Blob(round(sx / n, 1), round(sy / n, 1), round(2.5 + 1.6 * math.sqrt(n), 1), int(n))
        for sx, sy, n in bins.values()
        if n
    ]


def scatter_map(
    places: list[tuple[float, float, int]],
    workers: list[tuple[float, float]],
    labels: list[tuple[float, float, str]],
) -> ScatterMap:
    """Open places and available workers where they are, with place names for bearings.

    No map tiles (the machines may be offline): the district names are the landmarks.
    """
    everything = [(p[0], p[1]) for p in places] + workers + [(la[0], la[1]) for la in labels]
    project = _Projection(everything)
    named = [MapLabel(*project(lat, lon), text) for lat, lon, text in labels]
    height = int(project.top + MAP_PAD)
    return ScatterMap(
        WIDTH,
        height,
        _blobs([(lat, lon, 1) for lat, lon in workers], project),
        _blobs(places, project),
        named,
    )
