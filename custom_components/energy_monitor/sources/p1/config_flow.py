"""Setup wizard steps of the P1 smart-meter source.

The user picks network or serial, the wizard waits (bounded) for a telegram
that passes its CRC, detects the DSMR variant and the meter's equipment ID,
and asks for the decryption key only when the meter turns out to encrypt its
telegrams. The same steps serve reconfiguration; reauthentication asks for new
keys when decryption starts failing.
"""

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.helpers.selector import (
    SerialPortSelector,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio as vol

from ...const import CONF_SOURCE, LOGGER
from ...lib.p1.model import P1Telegram, RejectReason
from ...lib.p1.reader import NoTelegramError, P1ConnectionError, async_read_telegram
from ...selectors import CodedSelect, number_box
from .connection import reader_options_from_entry
from .const import (
    CONF_AUTHENTICATION_KEY,
    CONF_DETECTED_VERSION,
    CONF_DSMR_VERSION,
    CONF_ENCRYPTION_KEY,
    CONF_SERIAL_PORT,
    CONF_UPDATE_INTERVAL,
    DEFAULT_UPDATE_INTERVAL,
    DSMR_VERSION_AUTO,
    DSMR_VERSION_CODES,
    SOURCE,
    VALIDATION_TIMEOUT,
)

DEFAULT_DONGLE_PORT = 8088
"""The raw-telegram port of most Wi-Fi P1 dongles."""
_VERSION = CodedSelect(CONF_DSMR_VERSION, DSMR_VERSION_CODES)
_VERSION_FIELD = vol.Required(
    CONF_DSMR_VERSION, default=_VERSION.option(DSMR_VERSION_AUTO)
)
_KEY_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))

NETWORK_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_HOST): str,
        vol.Required(CONF_PORT, default=DEFAULT_DONGLE_PORT): vol.All(
            number_box(minimum=1, maximum=65535, step=1), vol.Coerce(int)
        ),
        _VERSION_FIELD: _VERSION.selector,
    }
)
SERIAL_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_SERIAL_PORT): SerialPortSelector(),
        _VERSION_FIELD: _VERSION.selector,
    }
)
KEYS_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_ENCRYPTION_KEY): _KEY_SELECTOR,
        vol.Optional(CONF_AUTHENTICATION_KEY): _KEY_SELECTOR,
    }
)
_CONNECTION_FIELDS = (CONF_HOST, CONF_PORT, CONF_SERIAL_PORT)
_KEY_FIELDS = (CONF_ENCRYPTION_KEY, CONF_AUTHENTICATION_KEY)


class _NeedsKeyError(Exception):
    """The meter encrypts its telegrams and no key was given."""


def _error_for(err: NoTelegramError) -> str:
    """Translate why no telegram arrived into a form error."""
    reasons = err.reasons
    if RejectReason.DECRYPTION_FAILED in reasons:
        return "invalid_key"
    if reasons:
        return "invalid_telegram"
    return "no_telegram"


def _connection_of(data: Mapping[str, Any]) -> dict[str, Any]:
    """Return the fields that name where the meter is read (port or host:port)."""
    if data.get(CONF_SERIAL_PORT):
        return {CONF_SERIAL_PORT: data[CONF_SERIAL_PORT]}
    return {CONF_HOST: data[CONF_HOST], CONF_PORT: data[CONF_PORT]}


class P1ConfigFlow(ConfigFlow):
    """The P1 steps of Energy Monitor's setup wizard."""

    def __init__(self) -> None:
        """Start without any P1 settings."""
        super().__init__()
        self._p1_data: dict[str, Any] = {}

    async def async_step_p1(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask how the meter is connected."""
        return self.async_show_menu(
            step_id="p1", menu_options=["p1_network", "p1_serial"]
        )

    async def async_step_p1_network(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Read a meter over the network (ser2net, Wi-Fi P1 dongle)."""
        return await self._async_p1_connection_step(
            "p1_network", NETWORK_SCHEMA, user_input
        )

    async def async_step_p1_serial(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Read a meter through a P1 cable on a serial port."""
        return await self._async_p1_connection_step(
            "p1_serial", SERIAL_SCHEMA, user_input
        )

    async def async_step_p1_keys(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the keys of a meter that encrypts its telegrams."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {
                **{k: v for k, v in self._p1_data.items() if k not in _KEY_FIELDS},
                **user_input,
            }
            result = await self._async_p1_try(data, errors)
            if result is not None:
                return result
        return self.async_show_form(
            step_id="p1_keys",
            data_schema=self.add_suggested_values_to_schema(KEYS_SCHEMA, user_input),
            errors=errors,
        )

    async def async_step_p1_reconfigure(self) -> ConfigFlowResult:
        """Start changing the connection of an existing meter."""
        self._p1_data = dict(self._get_reconfigure_entry().data)
        return self.async_show_menu(
            step_id="p1_reconfigure", menu_options=["p1_network", "p1_serial"]
        )

    async def async_step_p1_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start asking for new keys after decryption started failing."""
        self._p1_data = dict(entry_data)
        return await self.async_step_p1_keys()

    async def _async_p1_connection_step(
        self,
        step_id: str,
        schema: vol.Schema,
        user_input: dict[str, Any] | None,
    ) -> ConfigFlowResult:
        """Show a connection form; validate it by reading a telegram."""
        errors: dict[str, str] = {}
        previous = self._p1_data
        if user_input is not None:
            data = {
                CONF_SOURCE: SOURCE,
                **{
                    k: v
                    for k, v in previous.items()
                    if k not in _CONNECTION_FIELDS and k != CONF_DSMR_VERSION
                },
                **_VERSION.stored(user_input, CONF_DSMR_VERSION),
            }
            result = await self._async_p1_try(data, errors)
            if result is not None:
                return result
        suggested = (
            user_input
            if user_input is not None
            else _VERSION.suggested(previous, CONF_DSMR_VERSION)
        )
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            errors=errors,
        )

    async def _async_p1_try(
        self, data: dict[str, Any], errors: dict[str, str]
    ) -> ConfigFlowResult | None:
        """Validate ``data``; return the flow's next step, or fill ``errors``."""
        self._p1_data = data
        if self.source not in (SOURCE_RECONFIGURE, SOURCE_REAUTH):
            # Two entries reading one dongle or cable, whatever the meter's ID.
            self._async_abort_entries_match(_connection_of(data))
        try:
            telegram = await self._async_p1_read(data)
        except ValueError:
            errors[CONF_ENCRYPTION_KEY] = "invalid_key_format"
        except P1ConnectionError:
            link = "serial" if CONF_SERIAL_PORT in data else "network"
            errors["base"] = f"p1_{link}_cannot_connect"
        except _NeedsKeyError:
            return await self.async_step_p1_keys()
        except NoTelegramError as err:
            errors["base"] = _error_for(err)
        except Exception:  # noqa: BLE001
            LOGGER.exception("Unexpected error while reading the P1 meter")
            errors["base"] = "unknown"
        else:
            return await self._async_p1_finish(data, telegram)
        return None

    async def _async_p1_read(self, data: Mapping[str, Any]) -> P1Telegram:
        """Read one telegram with the settings in ``data``.

        Raises:
            ValueError: when a key is not 32 hex digits.
            P1ConnectionError: when the meter cannot be reached.
            NoTelegramError: when no valid telegram arrived.
            _NeedsKeyError: when the meter encrypts and no key was given.
        """
        options = reader_options_from_entry(data)
        try:
            return await async_read_telegram(
                options.endpoint,
                variant=options.variant,
                encryption_key=options.encryption_key,
                authentication_key=options.authentication_key,
                timeout=VALIDATION_TIMEOUT,
            )
        except NoTelegramError as err:
            if RejectReason.ENCRYPTED in err.reasons:
                raise _NeedsKeyError from err
            raise

    async def _async_p1_finish(
        self, data: dict[str, Any], telegram: P1Telegram
    ) -> ConfigFlowResult:
        """Create or update the entry of the meter that sent ``telegram``."""
        data[CONF_DETECTED_VERSION] = telegram.variant
        await self.async_set_unique_id(telegram.equipment_id, raise_on_progress=False)
        if self.source in (SOURCE_RECONFIGURE, SOURCE_REAUTH):
            self._abort_if_unique_id_mismatch(reason="wrong_meter")
            entry = (
                self._get_reconfigure_entry()
                if self.source == SOURCE_RECONFIGURE
                else self._get_reauth_entry()
            )
            return self.async_update_reload_and_abort(entry, data=data)
        if telegram.equipment_id is not None:
            self._abort_if_unique_id_configured()
        title = f"P1 meter {telegram.equipment_id or telegram.header}"
        return self.async_create_entry(title=title, data=data)


class P1OptionsFlow(OptionsFlowWithReload):
    """Options of a P1 meter."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the P1 options (the ``p1`` step has their title)."""
        return await self.async_step_p1(user_input)

    async def async_step_p1(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Set the interval over which power values are averaged."""
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        schema = vol.Schema(
            {
                vol.Required(
                    CONF_UPDATE_INTERVAL,
                    default=self.config_entry.options.get(
                        CONF_UPDATE_INTERVAL, DEFAULT_UPDATE_INTERVAL
                    ),
                ): number_box("s", minimum=0, maximum=300, step=1),
            }
        )
        return self.async_show_form(step_id="p1", data_schema=schema)
