"""Opening the ADC of an entry, and what a failure to open it means.

The operating system's spidev nodes are reached through
``hass.data[SPI_IO]`` when set (the tests' and the development instance's
simulated bus), else :data:`~...lib.mcp3008.spi.OS_IO`. Everything here
blocks and runs in an executor thread.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util.hass_dict import HassKey

from ...lib.mcp3008.chip import CHANNELS, CHIPS, ChipModel
from ...lib.mcp3008.monitor import Adc
from ...lib.mcp3008.spi import OS_IO, SpiIo, spidev_path
from .const import CONF_CHIP, CONF_SPI_BUS, CONF_SPI_DEVICE, CONF_VREF

SPI_IO: HassKey[SpiIo] = HassKey("energy_monitor_mcp3008_spi_io")
"""Where a simulated SPI bus replaces the machine's (tests, dev instance)."""


class OpenError(StrEnum):
    """Why an ADC could not be used (a form error and a translation key)."""

    SPI_MISSING = "spi_missing"
    """No spidev node at all: SPI is not enabled."""
    SPI_NOT_FOUND = "spi_not_found"
    PERMISSION_DENIED = "permission_denied"
    CANNOT_OPEN = "cannot_open"
    NO_CHIP = "no_chip"
    """Every input reads a constant 0 or full scale: no chip answers."""


class AdcUnusableError(Exception):
    """The ADC cannot be opened or read (its :class:`OpenError`)."""

    def __init__(self, reason: OpenError, detail: str = "") -> None:
        """Keep the reason and the operating system's message."""
        super().__init__(f"{reason}: {detail}" if detail else reason.value)
        self.reason = reason
        self.detail = detail


def spi_io(hass: HomeAssistant) -> SpiIo:
    """Return the SPI bus of this Home Assistant."""
    return hass.data.get(SPI_IO, OS_IO)


def path_of(data: Mapping[str, Any]) -> str:
    """Return the spidev node an entry's data names."""
    return spidev_path(int(data[CONF_SPI_BUS]), int(data[CONF_SPI_DEVICE]))


def open_adc(io: SpiIo, data: Mapping[str, Any]) -> Adc:
    """Open the ADC an entry's data describes (blocking).

    Raises:
        AdcUnusableError: with the reason a user can act on.
    """
    path = path_of(data)
    if not io.devices():
        raise AdcUnusableError(OpenError.SPI_MISSING)
    try:
        return Adc(io, path, CHIPS[ChipModel(data[CONF_CHIP])], float(data[CONF_VREF]))
    except FileNotFoundError as err:
        raise AdcUnusableError(
            OpenError.SPI_NOT_FOUND, ", ".join(io.devices())
        ) from err
    except PermissionError as err:
        raise AdcUnusableError(OpenError.PERMISSION_DENIED, path) from err
    except OSError as err:
        raise AdcUnusableError(OpenError.CANNOT_OPEN, str(err)) from err


def probe_adc(io: SpiIo, data: Mapping[str, Any]) -> None:
    """Open the ADC, check that a chip answers, and close it (blocking).

    Raises:
        AdcUnusableError: when it cannot be opened, or no chip answers.
    """
    adc = open_adc(io, data)
    try:
        if len(adc.stuck_channels()) == CHANNELS:
            raise AdcUnusableError(OpenError.NO_CHIP)
    except OSError as err:
        raise AdcUnusableError(OpenError.CANNOT_OPEN, str(err)) from err
    finally:
        adc.close()


def channel_stuck(io: SpiIo, data: Mapping[str, Any], channel: int) -> bool:
    """Tell whether ``channel`` reads a constant 0 or full scale (blocking).

    Raises:
        AdcUnusableError: when the ADC cannot be opened or read.
    """
    adc = open_adc(io, data)
    try:
        return bool(adc.stuck_channels((channel,)))
    except OSError as err:
        raise AdcUnusableError(OpenError.CANNOT_OPEN, str(err)) from err
    finally:
        adc.close()
