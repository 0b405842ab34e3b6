"""Timing samples: nanosecond latencies, quantiles and rates."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field


@dataclass
class Sample:
    """Latencies of one operation, in nanoseconds, and the wall time of the whole loop."""

    name: str
    latencies_ns: list[int] = field(default_factory=list)
    wall_ns: int = 0

    def add(self, ns: int) -> None:
        self.latencies_ns.append(ns)

    @property
    def count(self) -> int:
        return len(self.latencies_ns)

    def quantile_ms(self, q: int) -> float:
        """The q-th percentile in milliseconds (statistics.quantiles, inclusive method)."""
        cuts = statistics.quantiles(self.latencies_ns, n=100, method="inclusive")
        return cuts[q - 1] / 1e6

    @property
    def p50(self) -> float:
        return self.quantile_ms(50)

    @property
    def p95(self) -> float:
        return self.quantile_ms(95)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.latencies_ns) / 1e6

    @property
    def rate(self) -> float:
        """Operations per second over the whole timed loop (wall clock)."""
        return self.count / (self.wall_ns / 1e9) if self.wall_ns else 0.0

    def tenth_p50s(self) -> tuple[float, float]:
        """Median of the first and of the last tenth of the sample, in ms (drift over the run)."""
        tenth = max(1, self.count // 10)
        first, last = self.latencies_ns[:tenth], self.latencies_ns[-tenth:]
        return statistics.median(first) / 1e6, statistics.median(last) / 1e6

    def line(self, unit: str = "op") -> str:
        return (
            f"{self.name:<34} n={self.count:<5} {self.rate:>9.1f} {unit}/s   "
            f"p50 {self.p50:7.3f} ms   p95 {self.p95:7.3f} ms   mean {self.mean:7.3f} ms"
        )
