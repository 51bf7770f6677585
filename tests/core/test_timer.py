"""The timer's arithmetic, with a clock the test moves by hand."""

import pytest

from core import timer
from core.timer import Timer

TARGET_S, LIMIT_S = 600, 720  # 10 and 12 minutes, the guide's defaults
T0 = 1_700_000_000.0  # an epoch second; the clock is injected, never read


def test_a_new_timer_stands_at_zero() -> None:
    fresh = timer.reset()
    assert timer.elapsed(fresh, T0) == 0
    assert timer.state(fresh, T0, TARGET_S, LIMIT_S) == timer.IDLE


def test_a_started_timer_counts_the_seconds_since_start() -> None:
    running = timer.start(timer.reset(), T0)
    assert timer.elapsed(running, T0 + 95) == 95
    assert timer.state(running, T0 + 95, TARGET_S, LIMIT_S) == timer.RUNNING


def test_pause_keeps_the_time_and_stops_the_clock() -> None:
    paused = timer.pause(timer.start(timer.reset(), T0), T0 + 120)
    assert timer.elapsed(paused, T0 + 120) == 120
    assert timer.elapsed(paused, T0 + 9_999) == 120
    assert timer.state(paused, T0 + 9_999, TARGET_S, LIMIT_S) == timer.PAUSED


def test_resume_continues_from_the_paused_time() -> None:
    paused = timer.pause(timer.start(timer.reset(), T0), T0 + 120)
    resumed = timer.resume(paused, T0 + 500)  # a 380 s break does not count
    assert timer.elapsed(resumed, T0 + 530) == 150


def test_a_reload_shows_the_same_time_from_the_stored_values() -> None:
    running = timer.start(timer.pause(timer.start(timer.reset(), T0), T0 + 60), T0 + 100)
    stored = (running.started_at, running.accumulated_s)  # what the conversation row holds
    reloaded = Timer(*stored)
    assert timer.elapsed(reloaded, T0 + 200) == timer.elapsed(running, T0 + 200) == 160


def test_starting_twice_or_pausing_twice_changes_nothing() -> None:
    running = timer.start(timer.reset(), T0)
    assert timer.start(running, T0 + 50) == running
    paused = timer.pause(running, T0 + 60)
    assert timer.pause(paused, T0 + 90) == paused


def test_reset_goes_back_to_zero() -> None:
    assert timer.reset() == Timer(None, 0.0)
    running = timer.start(timer.reset(), T0)
    assert timer.elapsed(timer.reset(), T0 + 300) == 0
    assert timer.state(timer.reset(), T0 + 300, TARGET_S, LIMIT_S) == timer.IDLE
    assert running.running


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0, timer.RUNNING),
        (599, timer.RUNNING),
        (600, timer.PAST_TARGET),
        (719, timer.PAST_TARGET),
        (720, timer.PAST_LIMIT),
        (3_600, timer.PAST_LIMIT),
    ],
)
def test_overtime_states_follow_target_and_limit(seconds: int, expected: str) -> None:
    running = timer.start(timer.reset(), T0)
    assert timer.state(running, T0 + seconds, TARGET_S, LIMIT_S) == expected


def test_a_clock_that_goes_back_never_makes_the_time_negative() -> None:
    running = timer.start(Timer(None, 30.0), T0)
    assert timer.elapsed(running, T0 - 10) == 30
