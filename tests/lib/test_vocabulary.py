"""The vocabulary table: every key described, units per family, sane limits."""

import math

from homeassistant.components.sensor.const import (
    DEVICE_CLASS_STATE_CLASSES,
    DEVICE_CLASS_UNITS,
    SensorDeviceClass,
    SensorStateClass,
)
import pytest

from custom_components.energy_monitor.lib.vocabulary import (
    CURRENCY,
    LIFETIME_COUNTERS,
    LIMITS,
    VOCABULARY,
    DeviceClass,
    Key,
    StateClass,
    plausible,
)

DEMAND_KEYS = {
    Key.DEMAND_CURRENT_QUARTER,
    Key.DEMAND_MONTH_PEAK,
    Key.DEMAND_QUARTER_PROJECTED,
    Key.DEMAND_HEADROOM,
}


def test_every_key_is_described() -> None:
    """Each key has exactly one entry, and the table holds nothing else."""
    assert set(VOCABULARY) == set(Key)


@pytest.mark.parametrize(
    ("device_class", "unit"),
    [
        (DeviceClass.VOLTAGE, "V"),
        (DeviceClass.CURRENT, "A"),
        (DeviceClass.FREQUENCY, "Hz"),
        (DeviceClass.GAS, "m³"),
        (DeviceClass.WATER, "m³"),
        (DeviceClass.APPARENT_POWER, "VA"),
        (DeviceClass.REACTIVE_POWER, "var"),
        (DeviceClass.REACTIVE_ENERGY, "kvarh"),
        (DeviceClass.MONETARY, CURRENCY),
        (DeviceClass.BATTERY, "%"),
    ],
)
def test_units_per_family(device_class: DeviceClass, unit: str) -> None:
    """Every key of a family is in the family's unit (DEVELOPERS.md)."""
    keys = [key for key, q in VOCABULARY.items() if q.device_class is device_class]
    assert keys
    for key in keys:
        assert VOCABULARY[key].unit == unit, key


def test_power_in_watts_demand_in_kilowatts() -> None:
    """Power is in W; only the capacity tariff's demand is in kW."""
    for key, quantity in VOCABULARY.items():
        if quantity.device_class is DeviceClass.POWER:
            assert quantity.unit == ("kW" if key in DEMAND_KEYS else "W"), key


def test_energy_in_kilowatt_hours() -> None:
    """Energy is in kWh; heat is in the meter's own unit (kWh, MWh or GJ)."""
    for key, quantity in VOCABULARY.items():
        if quantity.device_class is DeviceClass.ENERGY:
            wanted = None if key is Key.GRID_HEAT_IMPORT else "kWh"
            assert quantity.unit == wanted, key


def test_lifetime_counters_only_grow_at_a_bounded_rate() -> None:
    """Lifetime counters are total_increasing with limits and a maximum rate."""
    for key in LIFETIME_COUNTERS:
        quantity = VOCABULARY[key]
        assert quantity.state_class is StateClass.TOTAL_INCREASING, key
        assert quantity.limits == (0.0, 1e10), key
        electric = quantity.unit == "kWh"  # gas, water, heat: flows vary too widely
        assert quantity.max_rate_per_hour == (1000 if electric else None), key
    for key, quantity in VOCABULARY.items():
        if quantity.max_rate_per_hour is not None:
            assert quantity.state_class is StateClass.TOTAL_INCREASING, key


def test_limits_are_sane() -> None:
    """Limits are finite, ordered, and one-way values start at zero."""
    assert {
        key: quantity.limits
        for key, quantity in VOCABULARY.items()
        if quantity.limits is not None
    } == LIMITS
    for key, (low, high) in LIMITS.items():
        assert math.isfinite(low), key
        assert math.isfinite(high), key
        assert low < high, key
        if key.startswith(("grid_power_", "power_import", "power_export")):
            assert low == 0, key
        if VOCABULARY[key].unit in {"V", "Hz", "kWh", "m³", "%"}:
            assert low >= 0, key
    assert LIMITS[Key.VOLTAGE_L1] == (0.0, 500.0)
    assert LIMITS[Key.FREQUENCY] == (0.0, 100.0)
    assert LIMITS[Key.POWER_FACTOR] == (-1.0, 1.0)


def test_plausible() -> None:
    """Non-finite or impossible numbers are rejected; other values pass."""
    assert plausible(Key.GRID_POWER, -3200.0)
    assert not plausible(Key.GRID_POWER_IMPORT, -3200.0)
    assert not plausible(Key.GRID_POWER, 3.4e38)
    assert not plausible(Key.GRID_ELEC_IMPORT, math.nan)
    assert not plausible(Key.PRICE_IMPORT, math.inf)
    assert plausible(Key.PRICE_IMPORT, -0.05)
    assert plausible(Key.GRID_TARIFF, "2")
    assert plausible(Key.INVERTER_ONLINE, value=True)
    assert plausible("a_maps_own_key", 1e300)


def test_classes_are_home_assistants() -> None:
    """Device and state classes, and units, are ones Home Assistant accepts."""
    for key, quantity in VOCABULARY.items():
        if quantity.state_class is not None:
            SensorStateClass(quantity.state_class)
        if quantity.device_class is None:
            continue
        device_class = SensorDeviceClass(quantity.device_class)
        units = DEVICE_CLASS_UNITS.get(device_class)
        if units is not None and quantity.unit is not None:
            assert quantity.unit in units, key
        state_classes = DEVICE_CLASS_STATE_CLASSES.get(device_class)
        if state_classes is not None and quantity.state_class is not None:
            assert quantity.state_class in state_classes, key


def test_measurements_have_a_precision() -> None:
    """Every measurement with a unit is shown at a fixed precision."""
    for key, quantity in VOCABULARY.items():
        if (
            quantity.state_class is StateClass.MEASUREMENT
            and quantity.unit is not None
            and key is not Key.CHARGER_POWER  # shown as the charger reports it
        ):
            assert quantity.precision is not None, key
