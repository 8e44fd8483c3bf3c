"""Sensor descriptions from the vocabulary.

Every source describes its sensors with :func:`describe`: unit, device and
state class and display precision come from :data:`~.lib.vocabulary.VOCABULARY`
(the same key means the same thing whatever the source); a source adds only
what is its own (entity category, enabled by default, where the value comes
from).
"""

from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfFrequency,
    UnitOfPower,
    UnitOfTemperature,
    UnitOfVolume,
)

from .lib.vocabulary import CURRENCY, VOCABULARY, Key

_HA_UNITS: dict[str, str] = {
    unit.value: unit
    for units in (
        UnitOfElectricCurrent,
        UnitOfElectricPotential,
        UnitOfEnergy,
        UnitOfFrequency,
        UnitOfPower,
        UnitOfTemperature,
        UnitOfVolume,
    )
    for unit in units
}
"""Home Assistant's unit constants by value (``"kWh"``: kilowatt-hour)."""


def describe[DescriptionT: SensorEntityDescription](
    key: Key,
    description: type[DescriptionT] = SensorEntityDescription,  # type: ignore[assignment]
    **fields: Any,
) -> DescriptionT:
    """Describe the sensor of ``key`` as the vocabulary says.

    Args:
        key: the key; it is also the translation key.
        description: the source's description class.
        fields: the source's own fields, and any it overrides.

    A unit in the configured currency is left out: the entity sets it (see
    :func:`currency_unit`).
    """
    quantity = VOCABULARY[key]
    unit = quantity.unit
    vocabulary: dict[str, Any] = {
        "key": key,
        "translation_key": key,
        "device_class": (
            quantity.device_class and SensorDeviceClass(quantity.device_class)
        ),
        "state_class": quantity.state_class and SensorStateClass(quantity.state_class),
        "native_unit_of_measurement": (
            None if unit is None or CURRENCY in unit else _HA_UNITS.get(unit, unit)
        ),
        "suggested_display_precision": quantity.precision,
    }
    return description(**(vocabulary | fields))


def currency_unit(key: Key, currency: str) -> str | None:
    """Return the unit of a key in ``currency`` (``None``: not in a currency)."""
    unit = VOCABULARY[key].unit
    if unit is None or CURRENCY not in unit:
        return None
    return unit.replace(CURRENCY, currency)
