"""Setup wizard steps of the Flukso source.

The user picks how the meter's topics are reached: the FLM's own MQTT broker
on the LAN (host and port), or the broker of Home Assistant's MQTT
integration when the FLM's topics are bridged into it. Either way the wizard
waits (bounded) for the meter's retained configuration; the meter's device
ID is the entry's unique ID. Reconfiguration changes the broker of the same
meter.
"""

import asyncio
from collections.abc import Mapping
from typing import Any, cast

from homeassistant.components import mqtt
from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigFlow,
    ConfigFlowResult,
)
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import callback
import probatio as vol

from ...const import CONF_SOURCE, LOGGER
from ...lib.flukso.client import (
    FluksoConnectionError,
    NoConfigError,
    async_discover,
    sensors_by_device,
)
from ...lib.flukso.decoder import SUBSCRIPTIONS, ConfigWaiter, FluksoDecoder
from ...lib.flukso.model import FluksoSensor
from .const import (
    CONF_DEVICE_ID,
    CONF_VIA_HA_MQTT,
    DEFAULT_PORT,
    DISCOVERY_TIMEOUT,
    SOURCE,
)

BROKER_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_HOST): str,
        vol.Required(CONF_PORT, default=DEFAULT_PORT): vol.All(
            vol.Coerce(int), vol.Range(min=1, max=65535)
        ),
    }
)

type Meters = Mapping[str, tuple[FluksoSensor, ...]]


class _NoMqttError(Exception):
    """Home Assistant's MQTT integration is not set up."""


class FluksoConfigFlow(ConfigFlow):
    """The Flukso steps of Energy Monitor's setup wizard."""

    async def async_step_flukso(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask how the meter's topics are reached."""
        return self.async_show_menu(
            step_id="flukso", menu_options=["flukso_broker", "flukso_ha_mqtt"]
        )

    async def async_step_flukso_broker(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Read the FLM's own broker."""
        return await self._async_flukso_broker_step("flukso_broker", user_input)

    async def async_step_flukso_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the broker of an existing meter."""
        return await self._async_flukso_broker_step("flukso_reconfigure", user_input)

    async def async_step_flukso_ha_mqtt(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Read the meter's topics bridged into Home Assistant's MQTT broker."""
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                meters = await self._async_flukso_via_ha()
            except _NoMqttError:
                errors["base"] = "mqtt_not_configured"
            except NoConfigError:
                errors["base"] = "no_config"
            else:
                return await self._async_flukso_finish(
                    {CONF_SOURCE: SOURCE, CONF_VIA_HA_MQTT: True}, meters
                )
        return self.async_show_form(
            step_id="flukso_ha_mqtt", data_schema=vol.Schema({}), errors=errors
        )

    async def _async_flukso_broker_step(
        self, step_id: str, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Show the broker form; validate it by reading the configuration."""
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                meters = await async_discover(
                    user_input[CONF_HOST], user_input[CONF_PORT], DISCOVERY_TIMEOUT
                )
            except FluksoConnectionError:
                errors["base"] = "cannot_connect"
            except NoConfigError:
                errors["base"] = "no_config"
            except Exception:  # noqa: BLE001
                LOGGER.exception("Unexpected error while reading the Flukso broker")
                errors["base"] = "unknown"
            else:
                return await self._async_flukso_finish(
                    {CONF_SOURCE: SOURCE, **user_input}, meters
                )
        suggested = user_input
        if suggested is None and self.source == SOURCE_RECONFIGURE:
            suggested = dict(self._get_reconfigure_entry().data)
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(BROKER_SCHEMA, suggested),
            errors=errors,
        )

    async def _async_flukso_via_ha(self) -> Meters:
        """Wait for a meter's configuration on Home Assistant's MQTT broker.

        Raises:
            _NoMqttError: when the MQTT integration is not set up.
            NoConfigError: when no configuration arrived in time.
        """
        if not await mqtt.async_wait_for_mqtt_client(self.hass):
            raise _NoMqttError
        waiter = ConfigWaiter()
        decoder = FluksoDecoder(waiter)

        @callback
        def received(message: mqtt.ReceiveMessage) -> None:
            # Subscribed with encoding=None: the payload is bytes.
            decoder.handle(message.topic, cast("bytes", message.payload))

        unsubscribe = await mqtt.async_subscribe(
            self.hass, SUBSCRIPTIONS[0], received, encoding=None
        )
        try:
            async with asyncio.timeout(DISCOVERY_TIMEOUT):
                await waiter.found.wait()
        except TimeoutError:
            raise NoConfigError from None
        finally:
            unsubscribe()
        return sensors_by_device(decoder.sensors)

    async def _async_flukso_finish(
        self, data: dict[str, Any], meters: Meters
    ) -> ConfigFlowResult:
        """Create or update the entry of the (first) meter found."""
        device_id = min(meters)
        data[CONF_DEVICE_ID] = device_id
        await self.async_set_unique_id(device_id, raise_on_progress=False)
        if self.source == SOURCE_RECONFIGURE:
            self._abort_if_unique_id_mismatch(reason="wrong_device")
            return self.async_update_reload_and_abort(
                self._get_reconfigure_entry(), data=data
            )
        self._abort_if_unique_id_configured()
        return self.async_create_entry(title=f"Fluksometer {device_id[:8]}", data=data)
