"""The write gate on its own: which updates a policy lets through."""

import pytest

from custom_components.energy_monitor.lib.vocabulary import (
    COUNTER_WRITES,
    VOCABULARY,
    Key,
    state_decimals,
    write_policy,
)
from custom_components.energy_monitor.lib.write_policy import (
    LIVE,
    WriteGate,
    WritePolicy,
    slot_end,
)


def test_slots_must_divide_an_hour() -> None:
    """A slot that does not divide an hour could skip an hour's boundary."""
    with pytest.raises(ValueError, match="divide an hour"):
        WritePolicy(every=7.0)
    assert slot_end(3599.5, 60.0) == 3600.0
    assert slot_end(3600.0, 60.0) == 3660.0


def test_availability_is_written_at_once() -> None:
    """A counter held back in its slot still shows an outage at once."""
    gate = WriteGate(COUNTER_WRITES)
    gate.prime(0.0, (True,), (1.0,))
    assert gate.decide(1.0, (True,), (2.0,)).write
    held = gate.decide(2.0, (True,), (3.0,))
    assert not held.write
    assert held.retry_at == 60.0
    assert gate.decide(3.0, (False,), (3.0,)).write


def test_unchanged_value_is_not_written_unless_live() -> None:
    """Nothing new, no row; live values are written anyway."""
    for policy, written in ((COUNTER_WRITES, False), (LIVE, True)):
        gate = WriteGate(policy)
        gate.prime(0.0, (True,), (1.0,))
        assert gate.decide(100.0, (True,), (1.0,)).write is written


def test_keys_outside_the_vocabulary_follow_their_state_class() -> None:
    """A Modbus map's own key: totals like counters, the rest live."""
    assert write_policy("my_register", "total_increasing") is COUNTER_WRITES
    assert write_policy("my_register", "measurement") is LIVE
    assert write_policy("va_l1", "measurement", "apparent_power").deadband == 25.0
    assert write_policy(Key.GRID_ELEC_IMPORT) is COUNTER_WRITES
    assert VOCABULARY[Key.GRID_POWER].write is LIVE


def test_state_keeps_two_decimals_beyond_its_display() -> None:
    """Float noise goes; no precision: the value as it is."""
    assert state_decimals(1) == 3
    assert state_decimals(None) is None
