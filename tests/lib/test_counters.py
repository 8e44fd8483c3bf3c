"""The lifetime-counter guard: no zeros, no steps back, no implausible jumps."""

import math

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


def test_nan_inf_and_none_are_no_reading() -> None:
    """A non-finite or missing reading is never stored, never compared."""
    guard = CounterGuard(max_rate_per_hour=100)
    assert guard.check("e", math.nan, 0) is None
    assert guard.check("e", math.inf, 0) is None
    assert guard.snapshot() == {}
    assert guard.check("e", 10.0, 1) == 10.0
    for value in (math.nan, math.inf, -math.inf, None):
        assert guard.check("e", value, 2) == 10.0
    assert guard.snapshot() == {"e": 10.0}
    assert guard.check("e", 10.5, 3) == 10.5


def test_unusable_seed_is_ignored() -> None:
    """A stored value that cannot be a counter does not become the baseline."""
    guard = CounterGuard()
    for value in (None, math.nan, math.inf, -1.0, "12.5", True):
        assert not guard.seed("e", value, 0)
    assert guard.check("e", 12.5, 1) == 12.5
    assert guard.seed("e", 1.0, 2)  # usable, but the counter already has one
    assert guard.snapshot() == {"e": 12.5}


def test_repeated_garbage_is_never_confirmed() -> None:
    """The same implausible jump read again and again stays a glitch."""
    guard = CounterGuard(max_rate_per_hour=1000)
    guard.check("e", 12_345.5, 0)
    for garbage in (3.4e38, 9e9):
        for t in (30, 60, 90):
            assert guard.check("e", garbage, t) == 12_345.5
    # The true value is no drop afterwards: it is published at once.
    assert guard.check("e", 12_345.6, 120) == 12_345.6
    assert guard.snapshot() == {"e": 12_345.6}


def test_jump_confirmed_only_by_a_growing_series() -> None:
    """A jump holds when the meter counts on from it, not when it repeats it."""
    guard = CounterGuard(max_rate_per_hour=10)
    guard.check("e", 100.0, 0)
    assert guard.check("e", 900.0, 1) == 100.0
    assert guard.check("e", 900.0, 2) == 100.0
    assert guard.check("e", 900.0, 3) == 100.0
    assert guard.check("e", 950.0, 4) == 100.0  # grows too fast: a new series
    assert guard.check("e", 950.1, 5) == 950.1


def test_returning_counter_continues_its_history() -> None:
    """A counter reading 0 for 15 minutes and then its old value is no reset."""
    guard = CounterGuard(max_rate_per_hour=1000)
    assert guard.check("e", 18_234.567, 0) == 18_234.567
    for t in range(60, 1200, 60):
        assert guard.check("e", 0.0, t) == 18_234.567
    assert guard.check("e", 18_234.9, 1260) == 18_234.9
    assert guard.check("e", 18_235.0, 1320) == 18_235.0


def test_genuine_meter_replacement_is_still_accepted() -> None:
    """A new meter that counts on from a low value for 15 minutes is taken."""
    guard = CounterGuard(max_rate_per_hour=1000)
    guard.check("e", 18_234.567, 0)
    shown = [guard.check("e", minute / 100, minute * 60) for minute in range(1, 20)]
    assert shown[:15] == [18_234.567] * 15
    assert shown[15:] == [0.16, 0.17, 0.18, 0.19]


def test_rates_per_counter_kind() -> None:
    """A counter kind's own rate applies; others use the default."""
    guard = CounterGuard(rates={"grid_elec_import": 10.0})
    guard.check("import", 100.0, 0, kind="grid_elec_import")
    guard.check("gas", 100.0, 0)
    assert guard.check("import", 200.0, 1, kind="grid_elec_import") == 100.0
    assert guard.check("gas", 200.0, 1) == 200.0
    guard.seed("inverter_1", 100.0, 0)  # restored: its kind comes with readings
    assert guard.check("inverter_1", 200.0, 1, kind="grid_elec_import") == 100.0
