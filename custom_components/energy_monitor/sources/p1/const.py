"""Constants of the P1 smart-meter source."""

from typing import Final

from ...lib.p1.model import MeterVariant

SOURCE: Final = "p1"
"""This source's ``source`` in entry data (stored: never change it)."""

CONF_SERIAL_PORT: Final = "serial_port"
CONF_DSMR_VERSION: Final = "dsmr_version"
CONF_ENCRYPTION_KEY: Final = "encryption_key"
CONF_AUTHENTICATION_KEY: Final = "authentication_key"
CONF_DETECTED_VERSION: Final = "detected_version"
"""The variant found at setup; tried first when ``dsmr_version`` is auto."""
CONF_UPDATE_INTERVAL: Final = "update_interval"

DSMR_VERSION_AUTO: Final = "auto"
DSMR_VERSION_CODES: Final = {
    code.lower().replace(".", "_"): code
    for code in (DSMR_VERSION_AUTO, *(variant.value for variant in MeterVariant))
}
"""Wizard option (a valid translation key, ``5b``) -> stored version (``5B``)."""
DEFAULT_UPDATE_INTERVAL: Final = 5
"""Seconds over which power values are averaged before they are published."""

FIRST_TELEGRAM_TIMEOUT: Final = 20.0
"""Seconds setup waits for the first telegram before retrying later."""
VALIDATION_TIMEOUT: Final = 30.0
"""Seconds the setup wizard waits for a valid telegram."""
READ_WATCHDOG: Final = 30.0
"""Seconds without a valid telegram after which the connection is renewed."""
DECRYPTION_FAILURES_BEFORE_REAUTH: Final = 3

MANUFACTURERS: Final = {
    "ESY": "EasyMeter",
    "FLU": "Fluvius",
    "ISK": "Iskraemeco",
    "KAM": "Kamstrup",
    "KFM": "Kaifa",
    "KMP": "Kamstrup",
    "LGB": "Landis+Gyr",
    "LUX": "Sagemcom",
    "SAG": "Sagemcom",
    "XMX": "Landis+Gyr",
}
"""Meter makers by the flag ID that starts the telegram header (IEC 62056-21)."""
