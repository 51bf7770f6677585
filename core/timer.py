"""The timer of the wellbeing point: pure arithmetic over an injected clock.

A timer is the seconds it has already run plus, while it runs, the moment it was last
started. Stored with the conversation, that is enough to show the right time after a
rerun, a page switch or a browser reload, without the server ticking anything.
"""

from dataclasses import dataclass

IDLE, RUNNING, PAUSED = "idle", "running", "paused"
PAST_TARGET, PAST_LIMIT = "past_target", "past_limit"
STATES = (IDLE, RUNNING, PAUSED, PAST_TARGET, PAST_LIMIT)


@dataclass(frozen=True)
class Timer:
    started_at: float | None = None  # epoch second of the last start; None while stopped
    accumulated_s: float = 0.0  # seconds run before the last start

    @property
    def running(self) -> bool:
        return self.started_at is not None


def elapsed(timer: Timer, now: float) -> float:
    """Seconds the timer has run by `now`. A clock that went back never makes it shrink."""
    if timer.started_at is None:
        return timer.accumulated_s
    return timer.accumulated_s + max(0.0, now - timer.started_at)


def start(timer: Timer, now: float) -> Timer:
    """Start, or resume after a pause. Starting a running timer changes nothing."""
    if timer.running:
        return timer
    return Timer(started_at=now, accumulated_s=timer.accumulated_s)


resume = start


def pause(timer: Timer, now: float) -> Timer:
    """Stop the clock and keep the time run so far. Pausing a paused timer changes nothing."""
    if not timer.running:
        return timer
    return Timer(started_at=None, accumulated_s=elapsed(timer, now))


def reset() -> Timer:
    return Timer()


def state(timer: Timer, now: float, target_s: float, limit_s: float) -> str:
    """idle, paused, or for a running timer: running, past_target or past_limit.

    A paused timer is "paused" whatever it shows: the manager stopped it on purpose, and
    the display still colours the time by how far it got.
    """
    if not timer.running:
        return PAUSED if timer.accumulated_s > 0 else IDLE
    seconds = elapsed(timer, now)
    if seconds >= limit_s:
        return PAST_LIMIT
    if seconds >= target_s:
        return PAST_TARGET
    return RUNNING
