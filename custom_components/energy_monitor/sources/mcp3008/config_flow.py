"""Setup wizard steps and options of the MCP3008/MCP3208 source.

The wizard asks where the chip is (SPI bus and chip select), which chip and
its reference voltage, opens the node and checks that a chip answers,
explaining what to do when SPI is not enabled, the node is not accessible or
nothing answers. It then asks for the first CT clamp, which must show a
signal. The options add, edit and remove channels (CT, AC voltage, linear).
"""

from dataclasses import replace
from typing import Any

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
import probatio as vol

from ...const import CONF_SOURCE, DOMAIN
from ...lib.mcp3008.channels import (
    Channel,
    ChannelKind,
    CtChannel,
    channel_to_dict,
    kind_of,
)
from ...lib.mcp3008.chip import ChipModel
from ...selectors import number_box
from .channel_form import (
    CHANNEL,
    async_channel_ok,
    channel_from_input,
    channel_schema,
    free_inputs,
    suggested,
)
from .connection import AdcUnusableError, path_of, probe_adc, spi_io
from .const import (
    CONF_CHANNELS,
    CONF_CHIP,
    CONF_SPI_BUS,
    CONF_SPI_DEVICE,
    CONF_VREF,
    DEFAULT_VREF,
    SOURCE,
)
from .runtime import entry_channels

_SPI_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_SPI_BUS, default=0): vol.All(
            number_box(minimum=0, maximum=7, step=1), vol.Coerce(int)
        ),
        vol.Required(CONF_SPI_DEVICE, default=0): vol.All(
            number_box(minimum=0, maximum=7, step=1), vol.Coerce(int)
        ),
        vol.Required(CONF_CHIP, default=ChipModel.MCP3008.value): SelectSelector(
            SelectSelectorConfig(
                options=[model.value for model in ChipModel],
                mode=SelectSelectorMode.DROPDOWN,
                translation_key="mcp3008_chip",
            )
        ),
        vol.Required(CONF_VREF, default=DEFAULT_VREF): vol.All(
            number_box("V", minimum=1.0, maximum=5.5), vol.Coerce(float)
        ),
    }
)
_STEP_KINDS = {
    "mcp3008_ct": ChannelKind.CT_CURRENT,
    "mcp3008_voltage": ChannelKind.AC_VOLTAGE,
    "mcp3008_linear": ChannelKind.LINEAR,
}


def _title(data: dict[str, Any]) -> str:
    """Return an entry's title: the chip and where it is."""
    chip = ChipModel(data[CONF_CHIP]).name
    return f"{chip} on SPI {data[CONF_SPI_BUS]}.{data[CONF_SPI_DEVICE]}"


class Mcp3008ConfigFlow(ConfigFlow):
    """The MCP3008 steps of Energy Monitor's setup wizard."""

    def __init__(self) -> None:
        """Start without any SPI settings."""
        super().__init__()
        self._mcp3008_data: dict[str, Any] = {}

    async def async_step_mcp3008(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask where the ADC is; open it and check that a chip answers."""
        return await self._async_mcp3008_spi("mcp3008", user_input)

    async def async_step_mcp3008_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the SPI node, chip or reference voltage of an ADC."""
        return await self._async_mcp3008_spi("mcp3008_reconfigure", user_input)

    async def _async_mcp3008_spi(
        self, step_id: str, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Show the SPI form; validate it by opening the node and probing."""
        errors: dict[str, str] = {}
        placeholders = {"devices": "-"}
        reconfiguring = self.source == SOURCE_RECONFIGURE
        if user_input is not None:
            data = {CONF_SOURCE: SOURCE, **user_input}
            unique_id = path_of(data)
            if reconfiguring:
                entry = self._get_reconfigure_entry()
                other = self.hass.config_entries.async_entry_for_domain_unique_id(
                    DOMAIN, unique_id
                )
                if other is not None and other.entry_id != entry.entry_id:
                    return self.async_abort(reason="already_configured")
            else:
                await self.async_set_unique_id(unique_id)
                self._abort_if_unique_id_configured()
            try:
                await self.hass.async_add_executor_job(
                    probe_adc, spi_io(self.hass), data
                )
            except AdcUnusableError as err:
                errors["base"] = err.reason.value
                placeholders["devices"] = err.detail or "-"
            else:
                if reconfiguring:
                    return self.async_update_reload_and_abort(
                        self._get_reconfigure_entry(),
                        unique_id=unique_id,
                        title=_title(data),
                        data=data,
                    )
                self._mcp3008_data = data
                return await self.async_step_mcp3008_ct()
        current = (
            dict(self._get_reconfigure_entry().data)
            if reconfiguring
            else (user_input or {})
        )
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                _SPI_SCHEMA, user_input or current
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_mcp3008_ct(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the first CT clamp; it must show a signal."""
        kind = ChannelKind.CT_CURRENT
        errors: dict[str, str] = {}
        placeholders = {"devices": "-"}
        if user_input is not None:
            channel = channel_from_input(kind, user_input)
            if await async_channel_ok(
                self.hass, self._mcp3008_data, channel, errors, placeholders
            ):
                return self.async_create_entry(
                    title=_title(self._mcp3008_data),
                    data=self._mcp3008_data,
                    options={CONF_CHANNELS: [channel_to_dict(channel)]},
                )
        schema = channel_schema(kind, [])
        return self.async_show_form(
            step_id="mcp3008_ct",
            data_schema=self.add_suggested_values_to_schema(
                schema, user_input or suggested(kind, None, free_inputs([]))
            ),
            errors=errors,
            description_placeholders=placeholders,
        )


class Mcp3008OptionsFlow(OptionsFlowWithReload):
    """The channels of an ADC: add, edit, remove."""

    def __init__(self) -> None:
        """Start editing no channel."""
        super().__init__()
        self._editing: Channel | None = None

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the channels menu (its texts are ``mcp3008_channels``')."""
        return await self.async_step_mcp3008_channels()

    async def async_step_mcp3008_channels(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer what can be done with the channels."""
        options = list(_STEP_KINDS)
        if entry_channels(self.config_entry):
            options += ["mcp3008_edit", "mcp3008_remove"]
        return self.async_show_menu(step_id="mcp3008_channels", menu_options=options)

    async def async_step_mcp3008_ct(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Add or edit a CT clamp."""
        return await self._async_mcp3008_channel("mcp3008_ct", user_input)

    async def async_step_mcp3008_voltage(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Add or edit an AC voltage channel."""
        return await self._async_mcp3008_channel("mcp3008_voltage", user_input)

    async def async_step_mcp3008_linear(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Add or edit a DC (linear) channel."""
        return await self._async_mcp3008_channel("mcp3008_linear", user_input)

    async def async_step_mcp3008_edit(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick the channel to edit."""
        channels = entry_channels(self.config_entry)
        if user_input is not None:
            number = int(user_input[CHANNEL])
            self._editing = next(c for c in channels if c.channel == number)
            step = next(
                step
                for step, kind in _STEP_KINDS.items()
                if kind_of(self._editing) is kind
            )
            return await self._async_mcp3008_channel(step, None)
        return self._async_mcp3008_pick("mcp3008_edit", channels)

    async def async_step_mcp3008_remove(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick the channel to remove; CTs paired with it are unpaired."""
        channels = entry_channels(self.config_entry)
        if user_input is not None:
            number = int(user_input[CHANNEL])
            kept = [_unpaired(c, number) for c in channels if c.channel != number]
            return self._async_mcp3008_save(kept)
        return self._async_mcp3008_pick("mcp3008_remove", channels)

    def _async_mcp3008_pick(
        self, step_id: str, channels: list[Channel]
    ) -> ConfigFlowResult:
        """Show a form that picks one of the channels."""
        schema = vol.Schema(
            {
                vol.Required(CHANNEL): SelectSelector(
                    SelectSelectorConfig(
                        options=[
                            SelectOptionDict(
                                value=str(c.channel), label=f"{c.channel}: {c.name}"
                            )
                            for c in channels
                        ],
                        mode=SelectSelectorMode.DROPDOWN,
                    )
                )
            }
        )
        return self.async_show_form(step_id=step_id, data_schema=schema)

    async def _async_mcp3008_channel(
        self, step_id: str, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Show a channel's form; save the channel once it shows a signal."""
        kind = _STEP_KINDS[step_id]
        channels = entry_channels(self.config_entry)
        editing = self._editing
        others = [
            c for c in channels if editing is None or c.channel != editing.channel
        ]
        errors: dict[str, str] = {}
        placeholders = {"devices": "-"}
        if user_input is not None:
            channel = channel_from_input(kind, user_input)
            if await async_channel_ok(
                self.hass, self.config_entry.data, channel, errors, placeholders
            ):
                return self._async_mcp3008_save([*others, channel])
        number = None if editing is None else editing.channel
        schema = channel_schema(kind, others, number)
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                schema,
                user_input or suggested(kind, editing, free_inputs(channels, number)),
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    def _async_mcp3008_save(self, channels: list[Channel]) -> ConfigFlowResult:
        """Store the channels (the entry reloads)."""
        ordered = sorted(channels, key=lambda channel: channel.channel)
        return self.async_create_entry(
            data={
                **self.config_entry.options,
                CONF_CHANNELS: [channel_to_dict(c) for c in ordered],
            }
        )


def _unpaired(channel: Channel, removed: int) -> Channel:
    """Return a channel without its pairing to the removed voltage channel."""
    if isinstance(channel, CtChannel) and channel.voltage_channel == removed:
        return replace(channel, voltage_channel=None)
    return channel
