"""The lifetime-counter guard: no zeros, no steps back, no implausible jumps."""

from custom_components.energy_monitor.lib.counters import CounterGuard


def test_normal_growth_is_published() -> None:
    """Readings that grow plausibly are published as they are."""
    guard = CounterGuard(max_rate_per_hour=100)
    assert guard.check("e", 10.0, 0) == 10.0
    assert guard.check("e", 10.5, 1) == 10.5
    assert guard.check("e", 10.5, 2) == 10.5
    assert guard.glitches == 0


def test_zero_and_backwards_are_glitches() -> None:
    """A 0 or a lower reading keeps the last value and counts a glitch."""
    guard = CounterGuard()
    guard.check("e", 100.0, 0)
    assert guard.check("e", 0.0, 1) == 100.0
    assert guard.check("e", 99.9, 2) == 100.0
    assert guard.check("e", -1.0, 3) == 100.0
    assert guard.check("e", 100.1, 4) == 100.1
    assert guard.glitches == 3


def test_first_reading_may_be_zero_but_not_negative() -> None:
    """A new export register legitimately reads 0; a negative never is."""
    guard = CounterGuard()
    assert guard.check("export", 0.0, 0) == 0.0
    assert guard.check("bad", -5.0, 0) is None


def test_jump_is_held_until_confirmed() -> None:
    """An implausible jump is published only when the next reading agrees."""
    guard = CounterGuard(max_rate_per_hour=10)
    guard.check("e", 100.0, 0)
    assert guard.check("e", 5000.0, 1) == 100.0  # spike
    assert guard.check("e", 100.2, 2) == 100.2  # back to normal
    assert guard.check("e", 900.0, 3) == 100.2  # a real step (meter swap)...
    assert guard.check("e", 900.1, 4) == 900.1  # ...confirmed
    assert guard.glitches == 2


def test_jump_after_a_long_gap_is_plausible() -> None:
    """Allowed growth scales with the time since the last reading."""
    guard = CounterGuard(max_rate_per_hour=10)
    guard.check("e", 100.0, 0)
    assert guard.check("e", 150.0, 10 * 3600) == 150.0


def test_persistent_drop_is_a_reset() -> None:
    """A lower counter that keeps growing for reset_after seconds is accepted."""
    guard = CounterGuard(reset_after=60)
    guard.check("e", 100.0, 0)
    assert guard.check("e", 1.0, 10) == 100.0
    assert guard.check("e", 0.5, 20) == 100.0  # deeper: the wait restarts
    assert guard.check("e", 1.0, 50) == 100.0
    assert guard.check("e", 1.1, 81) == 1.1
    assert guard.check("e", 1.2, 82) == 1.2


def test_seeded_values_survive_a_restart() -> None:
    """Seeded values are the baseline; snapshot returns what was accepted."""
    guard = CounterGuard()
    guard.seed("e", 100.0, 0)
    guard.seed("e", 5.0, 0)  # only the first seed counts
    assert guard.check("e", 0.0, 1) == 100.0
    assert guard.snapshot() == {"e": 100.0}
