"""Who cannot take a shift for want of an availability window: pure array arithmetic.

A worker who keeps no windows is available at any time; one who keeps windows needs a window
covering the whole shift. The rows come from the worker index (services/ranking/index.py).
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Availability:
    """Every availability window as aligned arrays, in epoch seconds, by worker row."""

    rows: np.ndarray  # (W,) intp
    starts: np.ndarray  # (W,) float64
    ends: np.ndarray  # (W,) float64
    has_windows: np.ndarray  # (N,) bool: the worker keeps windows, so one must cover a shift

    def unavailable(self, starts_at, ends_at) -> np.ndarray:
        """(N,) bool: the worker keeps windows but none covers the whole period."""
        covering = (self.starts <= starts_at.timestamp()) & (self.ends >= ends_at.timestamp())
        unavailable = self.has_windows.copy()
        unavailable[self.rows[covering]] = False
        return unavailable
