"""Turn a P1 config entry's data into the reader's connection settings."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.const import CONF_HOST, CONF_PORT

from ...lib.p1.decrypt import parse_key
from ...lib.p1.model import MeterVariant
from ...lib.p1.reader import NetworkEndpoint, P1Endpoint, SerialEndpoint
from .const import (
    CONF_AUTHENTICATION_KEY,
    CONF_DETECTED_VERSION,
    CONF_DSMR_VERSION,
    CONF_ENCRYPTION_KEY,
    CONF_SERIAL_PORT,
    DSMR_VERSION_AUTO,
)


@dataclass(frozen=True, slots=True)
class ReaderOptions:
    """Everything needed to read a P1 meter."""

    endpoint: P1Endpoint
    variant: MeterVariant | None
    encryption_key: bytes | None
    authentication_key: bytes | None


def reader_options_from_entry(data: Mapping[str, Any]) -> ReaderOptions:
    """Build the reader options from a P1 entry's data (or a wizard's input).

    Raises:
        ValueError: when a key is not 32 hex digits.
    """
    version = data.get(CONF_DSMR_VERSION, DSMR_VERSION_AUTO)
    variant = None if version == DSMR_VERSION_AUTO else MeterVariant(version)
    endpoint: P1Endpoint
    if data.get(CONF_SERIAL_PORT):
        detected = data.get(CONF_DETECTED_VERSION)
        endpoint = SerialEndpoint(
            data[CONF_SERIAL_PORT],
            preferred=MeterVariant(detected) if detected else None,
        )
    else:
        endpoint = NetworkEndpoint(data[CONF_HOST], int(data[CONF_PORT]))
    encryption_key = data.get(CONF_ENCRYPTION_KEY)
    authentication_key = data.get(CONF_AUTHENTICATION_KEY)
    return ReaderOptions(
        endpoint=endpoint,
        variant=variant,
        encryption_key=parse_key(encryption_key) if encryption_key else None,
        authentication_key=(
            parse_key(authentication_key) if authentication_key else None
        ),
    )
