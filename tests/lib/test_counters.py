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


def test_check_values_in_place() -> None:
    """Counters in a reading are checked; other values and text are left alone."""
    guard = CounterGuard()
    assert guard.last("import") is None
    values: dict[str, float | str] = {"import": 10.0, "power": 500.0, "tariff": "1"}
    assert guard.check_values(values, {"import", "export", "tariff"}, 0.0)
    assert values == {"import": 10.0, "power": 500.0, "tariff": "1"}
    values = {"import": 0.0, "power": 0.0}
    assert guard.check_values(values, {"import"}, 10.0)
    assert values == {"import": 10.0, "power": 0.0}
    assert guard.last("import") == 10.0


def test_check_values_drops_a_counter_without_a_plausible_value() -> None:
    """A first reading below zero is removed, so nothing is published for it."""
    values = {"import": -1.0, "power": 5.0}
    assert not CounterGuard().check_values(values, {"import"}, 0.0)
    assert values == {"power": 5.0}
