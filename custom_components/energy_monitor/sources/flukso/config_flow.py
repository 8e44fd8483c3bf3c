"""Setup wizard steps of the Flukso source.

The user picks how the meter's topics are reached: the FLM's own MQTT broker
on the LAN (host and port), or the broker of Home Assistant's MQTT
integration when the FLM's topics are bridged into it. Either way the wizard
waits (bounded) for the meter's retained configuration; the meter's device
ID is the entry's unique ID. Reconfiguration changes the broker of the same
meter.

Then, optionally, history from flukso.net: the user pastes the token of each
sensor that counts energy, gas or water (one form per sensor; empty skips
it). Each token is tried on the cloud before it is kept: a refused one is
shown on its form, and when the cloud does not answer the user can try again
or leave the token empty. Reconfiguration asks again, with the tokens known.
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
from homeassistant.const import CONF_HOST, CONF_PORT, CONF_TOKEN
from homeassistant.core import callback
from homeassistant.helpers.selector import (
    BooleanSelector,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio as vol

from ...const import CONF_SOURCE, LOGGER
from ...lib.flukso.client import (
    FluksoConnectionError,
    NoConfigError,
    async_discover,
    sensors_by_device,
)
from ...lib.flukso.cloud import DEFAULT_API_URL, FluksoCloudAuthError, FluksoCloudError
from ...lib.flukso.decoder import SUBSCRIPTIONS, ConfigWaiter, FluksoDecoder
from ...lib.flukso.model import FluksoSensor
from .cloud import flukso_cloud
from .const import (
    CONF_API_URL,
    CONF_DEVICE_ID,
    CONF_HISTORY,
    CONF_HISTORY_TOKENS,
    CONF_VIA_HA_MQTT,
    DEFAULT_PORT,
    DISCOVERY_TIMEOUT,
    SOURCE,
)
from .history import counted

BROKER_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_HOST): str,
        vol.Required(CONF_PORT, default=DEFAULT_PORT): vol.All(
            vol.Coerce(int), vol.Range(min=1, max=65535)
        ),
    }
)

CLOUD_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_HISTORY, default=False): BooleanSelector(),
        vol.Optional(CONF_API_URL): TextSelector(
            TextSelectorConfig(type=TextSelectorType.URL)
        ),
    }
)
TOKEN_SCHEMA = vol.Schema(
    {
        vol.Optional(CONF_TOKEN): TextSelector(
            TextSelectorConfig(type=TextSelectorType.PASSWORD)
        )
    }
)

type Meters = Mapping[str, tuple[FluksoSensor, ...]]


class _NoMqttError(Exception):
    """Home Assistant's MQTT integration is not set up."""


class FluksoConfigFlow(ConfigFlow):
    """The Flukso steps of Energy Monitor's setup wizard."""

    _flukso_data: dict[str, Any]
    """The entry's data so far."""
    _flukso_sensors: list[FluksoSensor]
    """The meter's sensors with history (energy, gas, water)."""
    _flukso_pending: list[FluksoSensor]
    """Those whose token is still to be asked."""
    _flukso_tokens: dict[str, str]

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
        """Check the (first) meter found is new (or the same); ask about history."""
        device_id = min(meters)
        data[CONF_DEVICE_ID] = device_id
        await self.async_set_unique_id(device_id, raise_on_progress=False)
        if self.source == SOURCE_RECONFIGURE:
            self._abort_if_unique_id_mismatch(reason="wrong_device")
        else:
            self._abort_if_unique_id_configured()
        self._flukso_data = data
        self._flukso_tokens = {}
        self._flukso_sensors = [s for s in meters[device_id] if counted(s)]
        if not self._flukso_sensors:
            return self._async_flukso_save()
        return await self.async_step_flukso_cloud()

    async def async_step_flukso_cloud(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask whether to import history from flukso.net (and from which API)."""
        known = self._flukso_known()
        if user_input is None:
            suggested = {
                CONF_HISTORY: bool(known.get(CONF_HISTORY_TOKENS)),
                CONF_API_URL: known.get(CONF_API_URL),
            }
            return self.async_show_form(
                step_id="flukso_cloud",
                data_schema=self.add_suggested_values_to_schema(
                    CLOUD_SCHEMA, suggested
                ),
                description_placeholders={"default_api_url": DEFAULT_API_URL},
            )
        if not user_input[CONF_HISTORY]:
            return self._async_flukso_save()
        if api_url := user_input.get(CONF_API_URL):
            self._flukso_data[CONF_API_URL] = api_url
        self._flukso_pending = list(self._flukso_sensors)
        return await self.async_step_flukso_token()

    async def async_step_flukso_token(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for one sensor's token; try it on the cloud before keeping it."""
        sensor = self._flukso_pending[0]
        errors: dict[str, str] = {}
        if user_input is not None:
            token = (user_input.get(CONF_TOKEN) or "").strip()
            if token:
                try:
                    await flukso_cloud(self.hass, self._flukso_data).check_token(
                        sensor.sensor_id, token
                    )
                except FluksoCloudAuthError:
                    errors[CONF_TOKEN] = "invalid_token"
                except FluksoCloudError:
                    errors["base"] = "flukso_cloud_cannot_connect"
                except Exception:  # noqa: BLE001
                    LOGGER.exception("Unexpected error while trying a Flukso token")
                    errors["base"] = "unknown"
                else:
                    self._flukso_tokens[sensor.sensor_id] = token
            if not errors:
                self._flukso_pending.pop(0)
                if self._flukso_pending:
                    return await self.async_step_flukso_token()
                return self._async_flukso_save()
        suggested = (
            user_input
            if user_input is not None
            else {
                CONF_TOKEN: self._flukso_known()
                .get(CONF_HISTORY_TOKENS, {})
                .get(sensor.sensor_id)
            }
        )
        return self.async_show_form(
            step_id="flukso_token",
            data_schema=self.add_suggested_values_to_schema(TOKEN_SCHEMA, suggested),
            errors=errors,
            description_placeholders={
                "sensor": f"{sensor.name} ({sensor.type}"
                + (f", {sensor.subtype})" if sensor.subtype else ")"),
                "sensor_id": sensor.sensor_id,
            },
        )

    def _flukso_known(self) -> Mapping[str, Any]:
        """Return the data of the entry being reconfigured (none for a new one)."""
        if self.source == SOURCE_RECONFIGURE:
            return self._get_reconfigure_entry().data
        return {}

    def _async_flukso_save(self) -> ConfigFlowResult:
        """Create the entry, or update the one being reconfigured."""
        data = self._flukso_data
        if self._flukso_tokens:
            data[CONF_HISTORY_TOKENS] = self._flukso_tokens
        else:
            data.pop(CONF_API_URL, None)
        if self.source == SOURCE_RECONFIGURE:
            return self.async_update_reload_and_abort(
                self._get_reconfigure_entry(), data=data
            )
        device_id = data[CONF_DEVICE_ID]
        return self.async_create_entry(title=f"Fluksometer {device_id[:8]}", data=data)
