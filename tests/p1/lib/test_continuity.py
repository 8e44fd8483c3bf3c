"""What one valid telegram leaves out: held values and MBus identities."""

from custom_components.energy_monitor.lib.p1.continuity import (
    MAX_HELD,
    HeldValues,
    MbusIdentities,
)
from custom_components.energy_monitor.lib.p1.model import MbusKind, MbusReading


def test_a_missing_value_is_held_for_the_window_then_expires() -> None:
    """Within the window the last value fills in; after it, the key expires."""
    held: HeldValues[float] = HeldValues(30.0)
    assert held.fill({"a": 1.0, "b": 2.0}, 0.0) == ({}, frozenset())
    assert held.fill({"a": 1.5}, 30.0) == ({"b": 2.0}, frozenset())
    assert held.fill({"a": 1.6}, 30.5) == ({}, frozenset({"b"}))
    assert held.fill({"a": 1.7, "b": 2.1}, 31.0) == ({}, frozenset())


def test_a_noisy_line_cannot_grow_the_memory() -> None:
    """Keys invented by noise push the oldest out."""
    held: HeldValues[float] = HeldValues(30.0)
    for second in range(MAX_HELD * 3):
        held.fill({f"key{second}": 1.0}, float(second))
    values, expired = held.fill({}, MAX_HELD * 3.0)
    assert len(values) + len(expired) == MAX_HELD
    assert f"key{MAX_HELD * 3 - 1}" in values


def test_a_reading_without_id_keeps_its_devices_id() -> None:
    """Same channel and kind: the same device; another kind is not."""
    identities = MbusIdentities()

    def gas(equipment_id: str | None, kind: MbusKind = MbusKind.GAS) -> MbusReading:
        return MbusReading(1, kind, equipment_id, 1.0, "m³", None)

    assert identities.identify(gas(None)).equipment_id is None
    assert identities.identify(gas("G1")).equipment_id == "G1"
    assert identities.identify(gas(None)).equipment_id == "G1"
    assert identities.identify(gas(None, MbusKind.WATER)).equipment_id is None
