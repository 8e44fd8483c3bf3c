"""The one validation point: device numbers are finite and physically possible."""

import math

from custom_components.energy_monitor.lib.readings import ReadingFilter


def test_implausible_values_are_dropped_and_counted() -> None:
    """NaN, infinity, max-float registers and out-of-range values never pass."""
    readings = ReadingFilter()
    values: dict[str, float | str | None] = {
        "grid_elec_import": math.nan,
        "grid_elec_export": 1234.5,
        "voltage_l1": math.inf,
        "current_l1": 2.5,
        "frequency": 3.4028234663852886e38,
        "power_factor": 0.98,
        "grid_tariff": "0002",
        "power_l1": None,
    }
    assert readings.filter(values) == {
        "grid_elec_export": 1234.5,
        "current_l1": 2.5,
        "power_factor": 0.98,
        "grid_tariff": "0002",
        "power_l1": None,
    }
    assert readings.rejected == {
        "grid_elec_import": 1,
        "voltage_l1": 1,
        "frequency": 1,
    }
    assert readings.total == 3


def test_negative_import_power_drops_the_grid_power_derived_from_it() -> None:
    """-3,200 W on 1-0:1.7.0 is impossible, and so is the grid power from it."""
    readings = ReadingFilter()
    values = {
        "grid_power_import": -3200.0,
        "grid_power_export": 0.0,
        "grid_power": -3200.0,
        "voltage_l1": 230.1,
    }
    assert readings.filter(values) == {"grid_power_export": 0.0, "voltage_l1": 230.1}
    assert readings.rejected == {"grid_power_import": 1, "grid_power": 1}


def test_plausible_reading_passes_unchanged() -> None:
    """A normal reading is kept whole; keys without limits need only be finite."""
    readings = ReadingFilter()
    values = {"grid_power": -600.0, "grid_power_import": 0.0, "custom": 1e12}
    assert readings.filter(values) == values
    assert not readings.accept("custom", -math.inf)
    assert readings.total == 1
