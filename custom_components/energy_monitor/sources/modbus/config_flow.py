"""Setup wizard steps of the Modbus energy-meter source.

The user picks network or serial, enters where the meter is (host and port,
or serial port and line settings), its unit ID and its register map (a
bundled meter model, or a CSV file from the custom-map folder). A probe read
of the meter's fast registers validates everything before the entry is
created, and explains what went wrong: nothing listening, no answer from
that unit ID, registers the meter does not have, a map with problems. The
same steps serve reconfiguration.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    SerialPortSelector,
)
import probatio as vol

from ...const import CONF_SOURCE, LOGGER
from ...lib.modbus.batching import DEFAULT_MAX_GAP, MAX_COUNT
from ...lib.modbus.catalog import (
    bundled_models,
    custom_map_files,
    load_bundled_map,
    product_name,
)
from ...lib.modbus.client import (
    LinkConflictError,
    ModbusConnectionError,
    ModbusError,
    ModbusExceptionError,
    ModbusTimeoutError,
    Transport,
)
from ...lib.modbus.meter import MeterReader, Value, identity_text
from ...lib.modbus.plausibility import doubts
from ...lib.modbus.schema import MapError, RegisterMap, ScanGroup
from ...selectors import CodedSelect, number_box
from .connection import (
    acquire_link,
    async_load_map,
    custom_maps_dir,
    link_pool,
    transport_of,
    unit_of,
)
from .const import (
    BAUDRATES,
    CONF_BAUDRATE,
    CONF_MAX_COUNT,
    CONF_MAX_GAP,
    CONF_METER_MODEL,
    CONF_PARITY,
    CONF_SERIAL_PORT,
    CONF_TRANSPORT,
    CONF_UNIT_ID,
    DEFAULT_BAUDRATE,
    DEFAULT_PARITY,
    DEFAULT_PORT,
    DEFAULT_UNIT_ID,
    PARITY_CODES,
    SOURCE,
)

_UNIT_ID = number_box(minimum=0, maximum=255, step=1)
CONF_FORCE = "force"
"""Add a meter whose first answers do not look like its model's."""
_CONNECTION_FIELDS = (
    CONF_HOST,
    CONF_PORT,
    CONF_TRANSPORT,
    CONF_SERIAL_PORT,
    CONF_BAUDRATE,
    CONF_PARITY,
)
_MAX_PROBLEMS = 5
_PARITY = CodedSelect("modbus_parity", PARITY_CODES)


def _model_options(custom_dir: Path) -> list[SelectOptionDict]:
    """Return the bundled meter models and custom map files (reads files)."""
    options = []
    for model in bundled_models():
        register_map = load_bundled_map(model)
        label = f"{register_map.manufacturer} {register_map.product}"
        options.append(SelectOptionDict(value=model, label=label))
    options += [
        SelectOptionDict(value=name, label=f"{name} (custom)")
        for name in custom_map_files(custom_dir)
    ]
    return options


def _error_for(err: ModbusError, transport: Transport) -> str:
    """Translate why the probe read failed into the form's error.

    Over the network, silence or a garbled answer often means the other
    framing (Modbus TCP against a transparent RS485 gateway, or the other
    way round): those errors suggest it.
    """
    serial = transport is Transport.SERIAL
    if isinstance(err, ModbusConnectionError):
        return f"modbus_{'serial' if serial else 'tcp'}_cannot_connect"
    if isinstance(err, ModbusExceptionError):
        if err.no_response:
            return "no_response"
        return "illegal_address" if err.illegal_address else "device_error"
    if not serial:
        return f"modbus_{transport.value}_no_answer"
    return "no_response" if isinstance(err, ModbusTimeoutError) else "invalid_response"


def _serial_of(unique_id: str | None, model: str) -> str | None:
    """Return the serial number a meter's unique ID holds (None: it has none).

    Unique IDs are ``<model>_<serial>``, or ``<model>@<where>/<unit>`` for a
    meter without a readable serial; entries of older versions have the bare
    serial number.
    """
    if unique_id is None or "@" in unique_id:
        return None
    return unique_id.removeprefix(f"{model}_")


class ModbusConfigFlow(ConfigFlow):
    """The Modbus steps of Energy Monitor's setup wizard."""

    def __init__(self) -> None:
        """Start without any Modbus settings."""
        super().__init__()
        self._modbus_data: dict[str, Any] = {}
        self._modbus_doubtful = False

    async def async_step_modbus(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask how the meter is connected."""
        return self.async_show_menu(
            step_id="modbus", menu_options=["modbus_tcp", "modbus_serial"]
        )

    async def async_step_modbus_reconfigure(self) -> ConfigFlowResult:
        """Start changing the connection or map of an existing meter."""
        self._modbus_data = dict(self._get_reconfigure_entry().data)
        return self.async_show_menu(
            step_id="modbus_reconfigure", menu_options=["modbus_tcp", "modbus_serial"]
        )

    async def async_step_modbus_tcp(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Read a meter through a Modbus TCP or RTU-over-TCP gateway."""
        schema = vol.Schema(
            {
                vol.Required(CONF_HOST): str,
                vol.Required(CONF_PORT, default=DEFAULT_PORT): vol.All(
                    vol.Coerce(int), vol.Range(min=1, max=65535)
                ),
                vol.Required(
                    CONF_TRANSPORT, default=Transport.TCP.value
                ): SelectSelector(
                    SelectSelectorConfig(
                        options=[Transport.TCP.value, Transport.RTU_OVER_TCP.value],
                        mode=SelectSelectorMode.DROPDOWN,
                        translation_key="modbus_transport",
                    )
                ),
                **await self._modbus_meter_fields(),
            }
        )
        return await self._async_modbus_step("modbus_tcp", schema, user_input)

    async def async_step_modbus_serial(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Read a meter on a local serial port (USB-RS485 adapter)."""
        schema = vol.Schema(
            {
                vol.Required(CONF_SERIAL_PORT): SerialPortSelector(),
                vol.Required(CONF_BAUDRATE, default=str(DEFAULT_BAUDRATE)): vol.All(
                    SelectSelector(
                        SelectSelectorConfig(
                            options=[str(rate) for rate in BAUDRATES],
                            mode=SelectSelectorMode.DROPDOWN,
                        )
                    ),
                    vol.Coerce(int),
                ),
                vol.Required(
                    CONF_PARITY, default=_PARITY.option(DEFAULT_PARITY)
                ): _PARITY.selector,
                **await self._modbus_meter_fields(),
            }
        )
        return await self._async_modbus_step("modbus_serial", schema, user_input)

    async def _modbus_meter_fields(self) -> dict[vol.Marker, Any]:
        """Return the unit ID and meter model fields."""
        options = await self.hass.async_add_executor_job(
            _model_options, custom_maps_dir(self.hass)
        )
        return {
            vol.Required(CONF_UNIT_ID, default=DEFAULT_UNIT_ID): _UNIT_ID,
            # Optional: the frontend pre-selects a required list's first
            # option, and a model picked unnoticed reads nonsense.
            vol.Optional(CONF_METER_MODEL): SelectSelector(
                SelectSelectorConfig(options=options, mode=SelectSelectorMode.DROPDOWN)
            ),
        }

    async def _async_modbus_step(
        self, step_id: str, schema: vol.Schema, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Show a connection form; validate it with a probe read."""
        errors: dict[str, str] = {}
        placeholders = {
            "maps_folder": str(custom_maps_dir(self.hass)),
            "problems": "",
            "model": "",
            "doubts": "",
        }
        previous = self._modbus_data
        if user_input is not None:
            data = {
                CONF_SOURCE: SOURCE,
                **{k: v for k, v in previous.items() if k not in _CONNECTION_FIELDS},
                **user_input,
            }
            force = bool(data.pop(CONF_FORCE, False))
            data[CONF_UNIT_ID] = int(data[CONF_UNIT_ID])
            if step_id == "modbus_serial":
                data = _PARITY.stored(data, CONF_PARITY)
                data[CONF_TRANSPORT] = Transport.SERIAL.value
            if not data.get(CONF_METER_MODEL):
                errors[CONF_METER_MODEL] = "model_required"
            elif result := await self._async_modbus_try(
                data, errors, placeholders, force=force
            ):
                return result
        if self._modbus_doubtful:
            schema = schema.extend({vol.Optional(CONF_FORCE, default=False): bool})
        suggested = (
            user_input
            if user_input is not None
            else _PARITY.suggested(previous, CONF_PARITY)
        )
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def _async_modbus_try(
        self,
        data: dict[str, Any],
        errors: dict[str, str],
        placeholders: dict[str, str],
        *,
        force: bool,
    ) -> ConfigFlowResult | None:
        """Probe the meter with ``data``; return the next step, or fill ``errors``.

        Answers that do not look like the chosen model's are an error too,
        unless ``force`` (the user adds the meter anyway).
        """
        self._modbus_data = data
        try:
            register_map = await async_load_map(self.hass, data)
        except (MapError, OSError) as err:
            errors[CONF_METER_MODEL] = "invalid_map"
            placeholders["problems"] = (
                "; ".join(str(problem) for problem in err.problems[:_MAX_PROBLEMS])
                if isinstance(err, MapError)
                else str(err)
            )
            return None
        pool = link_pool(self.hass)
        try:
            link = acquire_link(self.hass, data)
        except LinkConflictError:
            errors["base"] = "port_conflict"
            return None
        try:
            reader = MeterReader(link, unit_of(data), register_map)
            probed = await reader.probe()
            identity = await self._async_modbus_identity(reader)
        except ModbusError as err:
            errors["base"] = _error_for(err, transport_of(data))
            return None
        except Exception:  # noqa: BLE001
            LOGGER.exception("Unexpected error while probing the Modbus meter")
            errors["base"] = "unknown"
            return None
        finally:
            await pool.release(link)
        found = doubts(probed.values, identity)
        if found and not force:
            self._modbus_doubtful = True
            errors["base"] = "implausible"
            placeholders["model"] = product_name(register_map)
            placeholders["doubts"] = ", ".join(found)
            return None
        return await self._async_modbus_finish(data, register_map, identity)

    async def _async_modbus_identity(self, reader: MeterReader) -> dict[str, Value]:
        """Read the meter's identity; an error only leaves it out."""
        if ScanGroup.ONCE not in reader.groups:
            return {}
        try:
            return (await reader.read_group(ScanGroup.ONCE)).values
        except ModbusError:
            return {}

    async def _async_modbus_finish(
        self,
        data: dict[str, Any],
        register_map: RegisterMap,
        identity: Mapping[str, Value],
    ) -> ConfigFlowResult:
        """Create or update the entry of the probed meter."""
        serial = identity_text(identity.get("serial_number"))
        if self.source == SOURCE_RECONFIGURE:
            entry = self._get_reconfigure_entry()
            known = _serial_of(entry.unique_id, entry.data[CONF_METER_MODEL])
            if known is not None and serial is not None and known != serial:
                return self.async_abort(reason="wrong_meter")
            return self.async_update_reload_and_abort(entry, data=data)
        transport = transport_of(data)
        where = (
            {CONF_SERIAL_PORT: data[CONF_SERIAL_PORT]}
            if transport is Transport.SERIAL
            else {CONF_HOST: data[CONF_HOST], CONF_PORT: data[CONF_PORT]}
        )
        unit = unit_of(data)
        model = data[CONF_METER_MODEL]
        place = ":".join(str(value) for value in where.values())
        unique_id = f"{model}_{serial}" if serial else f"{model}@{place}/{unit}"
        for entry in self._async_current_entries(include_ignore=False):
            same_meter = entry.unique_id == unique_id or (
                serial is not None
                and entry.unique_id == serial
                and entry.data.get(CONF_METER_MODEL) == model
            )
            same_place = (
                all(entry.data.get(key) == value for key, value in where.items())
                and unit_of(entry.data) == unit
            )
            if same_meter or same_place:
                return self.async_abort(
                    reason="modbus_already_configured",
                    description_placeholders={"title": entry.title},
                )
        await self.async_set_unique_id(unique_id, raise_on_progress=False)
        self._abort_if_unique_id_configured()
        return self.async_create_entry(
            title=f"{product_name(register_map)} (unit {unit_of(data)})", data=data
        )


class ModbusOptionsFlow(OptionsFlowWithReload):
    """Options of a Modbus meter: how reads are batched.

    The poll intervals are fixed (Home Assistant's polling rule); intervals
    stored by older versions are dropped when the options are saved.
    """

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the Modbus options (their texts are the ``modbus`` step's)."""
        return await self.async_step_modbus(user_input)

    async def async_step_modbus(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Set the limits of a read."""
        if user_input is not None:
            return self.async_create_entry(
                data={key: int(value) for key, value in user_input.items()}
            )
        options = self.config_entry.options

        schema = vol.Schema(
            {
                vol.Required(
                    CONF_MAX_COUNT, default=options.get(CONF_MAX_COUNT, MAX_COUNT)
                ): number_box(minimum=1, maximum=MAX_COUNT, step=1),
                vol.Required(
                    CONF_MAX_GAP, default=options.get(CONF_MAX_GAP, DEFAULT_MAX_GAP)
                ): number_box(minimum=0, maximum=MAX_COUNT, step=1),
            }
        )
        return self.async_show_form(step_id="modbus", data_schema=schema)
