"""Whether a meter's first answers look like its model's (the wizard's check)."""

import pytest

from custom_components.energy_monitor.lib.modbus.meter import Value
from custom_components.energy_monitor.lib.modbus.plausibility import doubts

GOOD: dict[str, Value] = {
    "voltage_l1": 231.0,
    "voltage_l2": 0.0,
    "voltage_l3": 0.0,
    "frequency": 50.0,
    "grid_power": 1200.0,
}


@pytest.mark.parametrize(
    ("values", "identity", "expected"),
    [
        (GOOD, {"serial_number": 22000001.0}, []),
        (GOOD, {}, []),
        ({}, {}, ["every value is 0"]),
        ({**GOOD, **dict.fromkeys(GOOD, 0.0)}, {}, ["every value is 0"]),
        ({"frequency": 50.0, "model": "SDM"}, {}, []),
        ({**GOOD, "voltage_l1": 6553.5}, {}, ["voltage 6553.5 V"]),
        ({**GOOD, "frequency": 0.0}, {}, ["frequency 0 Hz"]),
        ({**GOOD, "power_factor": 7.0}, {}, ["power_factor 7"]),
        (GOOD, {"serial_number": 0.0}, ["no serial number"]),
        (GOOD, {"serial_number": None}, ["no serial number"]),
    ],
)
def test_doubts(
    values: dict[str, Value], identity: dict[str, Value], expected: list[str]
) -> None:
    """Zeros, out-of-range mains values and a missing serial are doubts."""
    assert doubts(values, identity) == expected
