"""One contract for every clock: the machine's (``infra.clock.SystemClock``) and the fake
that moves only when told (``tests.fakes.FakeClock``)."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from domain.ports.clock import Clock
from infra.clock import SystemClock
from tests.fakes import FakeClock


@pytest.fixture(params=["system", "fake"])
def clock(request: pytest.FixtureRequest) -> Clock:
    return SystemClock() if request.param == "system" else FakeClock()


def test_now_is_aware_and_in_utc(clock: Clock) -> None:
    now = clock.now()
    assert now.tzinfo is not None and now.utcoffset() == timedelta(0)
    assert now.astimezone(UTC) == now


def test_time_is_the_epoch_seconds_of_now(clock: Clock) -> None:
    before, seconds, after = clock.now(), clock.time(), clock.now()
    assert before.timestamp() - 1 <= seconds <= after.timestamp() + 1


def test_neither_clock_goes_back(clock: Clock) -> None:
    monotonic = [clock.monotonic() for _ in range(100)]
    times = [clock.now() for _ in range(100)]
    assert monotonic == sorted(monotonic)
    assert times == sorted(times)


def test_the_fake_moves_only_when_told() -> None:
    fake = FakeClock()
    start, ticks = fake.now(), fake.monotonic()
    assert (fake.now(), fake.monotonic()) == (start, ticks)
    fake.advance(90)
    assert fake.now() - start == timedelta(seconds=90)
    assert fake.monotonic() - ticks == 90
    assert fake.time() == start.timestamp() + 90
