"""The load test's pacing: phases end when they should, and every level clicks enough."""

import pytest

from bench import load

END = 100.0


@pytest.mark.parametrize(
    ("drawn", "now", "enough", "pause"),
    [
        (2.0, 50.0, True, 2.0),  # inside the phase: the pause drawn
        (30.0, 90.0, True, 10.0),  # a long pause ends with the phase
        (30.0, 90.0, False, 10.0),
        (30.0, 100.5, True, None),  # a click that ended after the phase: done, no wait
        (0.4, 101.0, False, 0.4),  # the level still needs clicks: on at its pace
    ],
)
def test_a_session_waits_no_longer_than_its_phase_needs(drawn, now, enough, pause) -> None:
    assert load.think_time(drawn, now, END, enough) == pause


@pytest.mark.parametrize(
    ("sessions", "think"),
    [(1, 0.5), (2, 1.0), (20, 10.0), (500, 10.0)],
)
def test_a_level_clicks_at_least_min_clicks_times_at_its_pace(sessions, think) -> None:
    assert load.pace(sessions, 30.0, 10.0) == think
    assert sessions * 30.0 / load.pace(sessions, 30.0, 10.0) >= load.MIN_CLICKS
