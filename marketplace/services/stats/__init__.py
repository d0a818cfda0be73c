"""Return-to-work statistics: the queries over a window, the figures (pure arithmetic), and the
map of open places and available workers.
"""

# figures.figures() is not exported here: the name would hide its module.

from .figures import days, grouped, hours_to_fill, ratio, restarted_by_week, week_start
from .map import map_points
from .queries import day_start, scope, statistics

__all__ = [
    "day_start",
    "days",
    "grouped",
    "hours_to_fill",
    "map_points",
    "ratio",
    "restarted_by_week",
    "scope",
    "statistics",
    "week_start",
]
