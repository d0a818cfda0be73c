"""Chart geometry: what the dashboard's SVG is drawn from."""

from marketplace.web import charts


def test_a_day_without_a_rate_breaks_the_line_instead_of_dropping_to_zero():
    chart = charts.rate_line(["1", "2", "3", "4", "5"], [0.5, 1.0, None, 0.0, 0.25], list("abcde"))
    assert len(chart.segments) == 2 and len(chart.dots) == 4
    ys = {title: y for _, y, title in chart.dots}
    assert ys["b"] == chart.plot_top and ys["d"] == chart.plot_bottom  # 100 % top, 0 % bottom
    assert ys["a"] == (chart.plot_top + chart.plot_bottom) / 2


def test_a_long_window_labels_at_most_seven_days_the_first_and_last_among_them():
    labels = [str(n) for n in range(28)]
    chart = charts.rate_line(labels, [0.5] * 28, labels)
    shown = [tick.label for tick in chart.x_ticks]
    assert len(shown) <= charts.MAX_X_LABELS and shown[0] == "0" and shown[-1] == "27"


def test_bars_scale_to_the_largest_value():
    chart = charts.bars([("a", [10, 5]), ("b", [20, 0])], ["posted", "filled"])
    widths = {(row.label, bar.series): bar.width for row in chart.rows for bar in row.bars}
    assert widths[("b", 0)] == 2 * widths[("a", 0)] == 4 * widths[("a", 1)]
    assert widths[("b", 1)] == 0


def test_near_points_merge_into_one_circle_with_their_count_and_north_is_up():
    shaoxing, zhuji = (30.0, 120.58), (29.71, 120.24)
    chart = charts.scatter_map(
        places=[(*shaoxing, 3), (shaoxing[0] + 0.0001, shaoxing[1], 2), (*zhuji, 1)],
        workers=[zhuji] * 4,
        labels=[(*shaoxing, "越城区")],
    )
    counts = sorted(blob.count for blob in chart.places)
    assert counts == [1, 5]
    [workers] = chart.workers
    assert workers.count == 4
    big = max(chart.places, key=lambda b: b.count)
    assert big.y < workers.y and big.x > workers.x  # Shaoxing is north-east of Zhuji
    assert 0 <= workers.x <= chart.width and 0 <= big.y <= chart.height
    assert chart.labels[0].text == "越城区"


def test_a_map_with_nothing_on_it_still_draws():
    chart = charts.scatter_map([], [], [])
    assert (chart.places, chart.workers, chart.labels) == ([], [], [])
    assert chart.height > 0
