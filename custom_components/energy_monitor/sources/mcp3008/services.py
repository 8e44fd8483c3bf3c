"""The ``calibrate_channel`` action: fit a CT channel's gain to a known load.

Given the true current (amps), the true power (watts) or an entity that
measures the same circuit (a P1 meter's phase power, a smart plug), the
channel is measured, its gain scaled so the measurement matches, stored in
the entry's options, and measured again: the response tells the error
before and after.
"""

from dataclasses import replace
from typing import Any

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv
import probatio as vol

from ...actions import action_error
from ...const import DOMAIN
from ...lib.mcp3008.channels import CtChannel, channel_to_dict
from ...lib.mcp3008.monitor import CURRENT, POWER
from ...spec import SourceSpec, source_entry
from .connection import AdcUnusableError
from .const import CONF_CHANNELS
from .coordinator import Mcp3008Coordinator, paired_voltage
from .runtime import Mcp3008ConfigEntry, Mcp3008Runtime

SERVICE_CALIBRATE_CHANNEL = "calibrate_channel"
ATTR_CHANNEL = "channel"
ATTR_AMPS = "amps"
ATTR_WATTS = "watts"
ATTR_REFERENCE = "reference_entity_id"
_REFERENCES = (ATTR_AMPS, ATTR_WATTS, ATTR_REFERENCE)
_UNIT_SCALE = {"A": (CURRENT, 1.0), "W": (POWER, 1.0), "kW": (POWER, 1000.0)}
"""A reference entity's unit: the quantity it gives and its factor to A or W."""

CALIBRATE_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_CHANNEL): vol.All(vol.Coerce(int), vol.Range(min=0, max=7)),
        vol.Optional(ATTR_AMPS): vol.All(vol.Coerce(float), vol.Range(min=0.01)),
        vol.Optional(ATTR_WATTS): vol.All(vol.Coerce(float), vol.Range(min=0.1)),
        vol.Optional(ATTR_REFERENCE): cv.entity_id,
    }
)


def _reference(hass: HomeAssistant, data: dict[str, Any]) -> tuple[str, float]:
    """Return the quantity (current or power) and its true value.

    Raises:
        ServiceValidationError: without exactly one reference, or with an
            entity whose state is not a current or power.
    """
    given = [name for name in _REFERENCES if name in data]
    if len(given) != 1:
        raise action_error("mcp3008_one_reference")
    if ATTR_AMPS in data:
        return CURRENT, data[ATTR_AMPS]
    if ATTR_WATTS in data:
        return POWER, data[ATTR_WATTS]
    entity_id = data[ATTR_REFERENCE]
    state = hass.states.get(entity_id)
    unit = None if state is None else state.attributes.get("unit_of_measurement")
    try:
        quantity, factor = _UNIT_SCALE[unit]  # type: ignore[index]
        value = abs(float(state.state)) * factor  # type: ignore[union-attr]
    except (KeyError, ValueError) as err:
        raise action_error("mcp3008_reference_unusable", entity_id=entity_id) from err
    if value <= 0:
        raise action_error("mcp3008_reference_unusable", entity_id=entity_id)
    return quantity, value


async def _async_measure(
    hass: HomeAssistant, coordinator: Mcp3008Coordinator, ct: CtChannel, quantity: str
) -> float:
    """Measure one CT (with its voltage channel) and return ``quantity``.

    Raises:
        HomeAssistantError: (translated) when the ADC cannot be read.
    """
    channels: list[Any] = [ct]
    voltage = paired_voltage(ct, coordinator.channels)
    if voltage is not None:
        channels.append(voltage)
    try:
        reports = await hass.async_add_executor_job(coordinator.measure, channels)
    except AdcUnusableError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="mcp3008_read_failed",
            translation_placeholders={"error": str(err)},
        ) from err
    return abs(reports[ct.channel].values[quantity])


def _percent(measured: float, true: float) -> float:
    """Return the error of ``measured`` in percent of ``true``."""
    return round((measured - true) / true * 100.0, 2)


async def async_calibrate(
    hass: HomeAssistant, entry: Mcp3008ConfigEntry, data: dict[str, Any]
) -> dict[str, Any]:
    """Fit, store and check a CT channel's gain; return the figures.

    Raises:
        ServiceValidationError: for a channel that is not a CT, a missing or
            unusable reference, or a channel that measures nothing.
    """
    coordinator = entry.runtime_data.coordinator
    number = data[ATTR_CHANNEL]
    ct = next(
        (
            c
            for c in coordinator.channels
            if c.channel == number and isinstance(c, CtChannel)
        ),
        None,
    )
    if ct is None:
        raise action_error("mcp3008_not_a_ct", channel=str(number))
    quantity, true = _reference(hass, data)
    before = await _async_measure(hass, coordinator, ct, quantity)
    if before <= 0:
        raise action_error("mcp3008_nothing_measured", channel=str(number))
    calibrated = replace(ct, gain=ct.gain * true / before)
    coordinator.channels = [calibrated if c is ct else c for c in coordinator.channels]
    hass.config_entries.async_update_entry(
        entry,
        options={
            **entry.options,
            CONF_CHANNELS: [channel_to_dict(c) for c in coordinator.channels],
        },
    )
    after = await _async_measure(hass, coordinator, calibrated, quantity)
    return {
        "channel": number,
        "quantity": quantity,
        "reference": true,
        "gain_before": ct.gain,
        "gain_after": round(calibrated.gain, 6),
        "measured_before": round(before, 3),
        "measured_after": round(after, 3),
        "error_before_percent": _percent(before, true),
        "error_after_percent": _percent(after, true),
    }


@callback
def async_setup_mcp3008_services(
    hass: HomeAssistant, spec: SourceSpec[Mcp3008Runtime]
) -> None:
    """Register the MCP3008 actions."""

    async def calibrate_channel(call: ServiceCall) -> ServiceResponse:
        entry: Mcp3008ConfigEntry = source_entry(
            hass,
            call.data[ATTR_CONFIG_ENTRY_ID],
            spec,
            not_found="not_an_mcp3008",
            not_loaded="mcp3008_not_loaded",
        )
        return await async_calibrate(hass, entry, dict(call.data))

    hass.services.async_register(
        DOMAIN,
        SERVICE_CALIBRATE_CHANNEL,
        calibrate_channel,
        schema=CALIBRATE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
