"""The nightly run's wall-clock limit (``run_limit``): the lock is never held past it.

The scrape gets the time the build does not need: it stops when the time left is twice the
longest build (validation to publishing) of the last runs, within a quarter to half of the
limit. Should a step before publishing still reach the limit (a build that never ends),
``SIGALRM`` raises ``RunLimitReached`` in it; the run then discards its partial release,
publishes nothing and ends, so the previous release keeps serving and the lock is freed.
Once the switch to the new release has begun nothing is interrupted. The alarm needs the
main thread; elsewhere only the scrape keeps to the limit.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

# Runs whose build times decide the scrape's share; the steps of a run that count as its build.
RECENT_RUNS = 10
BUILD_STEPS = ("validate", "laws", "fingerprint", "verify", "build", "index", "publish")
# Past the limit the alarm repeats this often, in case a step swallowed it.
REPEAT_SECONDS = 1.0


class RunLimitReached(BaseException):
    """The run reached ``run_limit`` before publishing (a BaseException, so no step's ``except Exception`` swallows it)."""


class RunLimit:
    """The limit of one run that started at ``started`` (``time.monotonic()``)."""

    def __init__(self, seconds: float, started: float):
        self.seconds = seconds
        self.until = started + seconds
        self._armed = False

    def scrape_until(self, reports: Path) -> float:
        """When the scrape must stop so that a build as long as the longest recent one fits twice before the limit."""
        reserve = min(self.seconds / 2, max(self.seconds / 4, 2 * longest_build(reports)))
        return self.until - reserve

    @contextmanager
    def armed(self) -> Iterator[RunLimit]:
        """Raise ``RunLimitReached`` in this (main) thread at the limit, until ``disarm``; without a main thread, nothing."""
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        previous = signal.signal(signal.SIGALRM, self._alarm)
        self._armed = True
        signal.setitimer(signal.ITIMER_REAL, max(self.until - time.monotonic(), 0.001), REPEAT_SECONDS)
        try:
            yield self
        finally:
            self.disarm()
            signal.signal(signal.SIGALRM, previous)

    def disarm(self) -> None:
        """No interruption from here on (the release switch has begun, or the run is ending)."""
        if self._armed:
            self._armed = False
            signal.setitimer(signal.ITIMER_REAL, 0)

    def _alarm(self, signum: int, frame: FrameType | None) -> None:
        if self._armed:
            raise RunLimitReached(f"the run reached its time limit (run_limit, {self.seconds:g} s) before publishing")


def longest_build(reports: Path) -> float:
    """The longest build (seconds from validation to publishing) among the last runs' reports; 0 without any."""
    runs = sorted((p for p in reports.glob("*.json") if p.name != "latest.json"), key=lambda p: p.stem)[-RECENT_RUNS:]
    longest = 0.0
    for path in runs:
        try:
            timings = json.loads(path.read_text("utf-8")).get("timings") or {}
        except (OSError, ValueError, AttributeError):
            continue  # a report being written or damaged says nothing about build times
        longest = max(longest, sum(float(timings.get(step) or 0) for step in BUILD_STEPS))
    return longest
