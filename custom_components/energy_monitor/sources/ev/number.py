"""The controller's thresholds and timers as number entities."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import override

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import EntityCategory, UnitOfEnergy, UnitOfPower, UnitOfTime
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...lib.ev.controller import ChargerSettings
from ...lib.vocabulary import Key
from .const import SETTING_LIMITS
from .coordinator import EvChargerCoordinator
from .entity import EvChargerEntity


@dataclass(frozen=True, kw_only=True)
class SettingNumberDescription(NumberEntityDescription):
    """A number that shows and changes one controller setting."""

    setting: str
    """The attribute of :class:`ChargerSettings`."""
    to_setting: Callable[[float], float] = float
    from_setting: Callable[[float], float] = float


def _minutes(description_key: Key, setting: str) -> SettingNumberDescription:
    """Describe a timer shown in minutes and stored in seconds."""
    lowest, highest = SETTING_LIMITS[setting]
    return SettingNumberDescription(
        key=description_key,
        translation_key=description_key,
        setting=setting,
        device_class=NumberDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MINUTES,
        native_min_value=lowest // 60,
        native_max_value=highest // 60,
        native_step=1,
        to_setting=lambda minutes: minutes * 60,
        from_setting=lambda seconds: seconds / 60,
    )


def _watts(description_key: Key, setting: str) -> SettingNumberDescription:
    """Describe a power threshold."""
    lowest, highest = SETTING_LIMITS[setting]
    return SettingNumberDescription(
        key=description_key,
        translation_key=description_key,
        setting=setting,
        device_class=NumberDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        native_min_value=lowest,
        native_max_value=highest,
        native_step=50,
    )


SETTINGS: tuple[SettingNumberDescription, ...] = (
    _watts(Key.START_SURPLUS, "start_surplus"),
    _watts(Key.STOP_IMPORT, "stop_import"),
    SettingNumberDescription(
        key=Key.AVERAGING_WINDOW,
        translation_key=Key.AVERAGING_WINDOW,
        setting="averaging_window",
        device_class=NumberDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        native_min_value=SETTING_LIMITS["averaging_window"][0],
        native_max_value=SETTING_LIMITS["averaging_window"][1],
        native_step=10,
    ),
    _minutes(Key.MIN_ON_TIME, "min_on_time"),
    _minutes(Key.MIN_OFF_TIME, "min_off_time"),
    SettingNumberDescription(
        key=Key.MIN_ENERGY,
        translation_key=Key.MIN_ENERGY,
        setting="min_energy",
        device_class=NumberDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        native_min_value=SETTING_LIMITS["min_energy"][0],
        native_max_value=SETTING_LIMITS["min_energy"][1],
        native_step=0.5,
    ),
    SettingNumberDescription(
        key=Key.MAX_SWITCHES,
        translation_key=Key.MAX_SWITCHES,
        setting="max_switches",
        native_min_value=SETTING_LIMITS["max_switches"][0],
        native_max_value=SETTING_LIMITS["max_switches"][1],
        native_step=1,
        to_setting=int,
        from_setting=int,
    ),
)


class SettingNumber(EvChargerEntity, NumberEntity):
    """One controller setting."""

    entity_description: SettingNumberDescription
    _attr_entity_category = EntityCategory.CONFIG
    _attr_mode = NumberMode.BOX

    @property
    @override
    def native_value(self) -> float:
        """Return the setting."""
        description = self.entity_description
        settings: ChargerSettings = self.coordinator.settings
        return description.from_setting(getattr(settings, description.setting))

    @override
    async def async_set_native_value(self, value: float) -> None:
        """Change the setting."""
        description = self.entity_description
        self.coordinator.async_update_settings(
            **{description.setting: description.to_setting(value)}
        )


def async_setup_numbers(
    coordinator: EvChargerCoordinator,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the setting numbers."""
    async_add_entities(SettingNumber(coordinator, d) for d in SETTINGS)
