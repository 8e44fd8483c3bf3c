"""Diagnostics of an Energy Monitor config entry (secrets redacted).

Known keys are redacted by name; then every string left is scrubbed of the
entry's secrets (hosts, serial ports, serial numbers, keys), so a secret
inside an error message or a URL (``http://<host>/solar_api/...``) is
redacted too, whatever key holds it.
"""

from collections.abc import Mapping
import re
from typing import Any

from homeassistant.components.diagnostics import REDACTED, async_redact_data
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant

from .coordinator import EnergyMonitorConfigEntry
from .sources import SPECS

TO_REDACT = frozenset({CONF_HOST, "serial_number", "title", "unique_id"}).union(
    *(spec.redact for spec in SPECS)
)
"""Keys, addresses and serial numbers, wherever a source's diagnostics hold them:
those of every source and those each source's spec adds."""


_SECRET_KEYS = TO_REDACT - {"title"}
"""Redacted keys whose values are scrubbed from every string (a title is a
name people chose, not a secret worth hunting through every text)."""
_MIN_SECRET_LENGTH = 3
"""Shorter values (a unit ID, a port number) are not secrets worth scrubbing."""


def _secrets(value: object, found: set[str]) -> None:
    """Collect the strings of the redacted keys in ``value``."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key in _SECRET_KEYS and isinstance(item, str | int):
                found.add(str(item))
            else:
                _secrets(item, found)
    elif isinstance(value, list | tuple):
        for item in value:
            _secrets(item, found)


def scrub_strings(value: Any, secrets: set[str]) -> Any:
    """Return ``value`` with every secret inside any string replaced.

    Hosts are also scrubbed without their port or scheme
    (``192.168.1.20:8080`` hides ``192.168.1.20`` in any URL).
    """
    words = {s for secret in secrets for s in (secret, _host_part(secret))}
    words = {word for word in words if len(word) >= _MIN_SECRET_LENGTH}
    if not words:
        return value
    pattern = re.compile(
        "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)),
        re.IGNORECASE,
    )
    return _scrub(value, pattern)


def _host_part(secret: str) -> str:
    """Return the host of ``[scheme://]host[:port]`` (the secret if none)."""
    text = secret.split("://", 1)[-1].split("/", 1)[0]
    if text.startswith("["):
        return text[1:].split("]", 1)[0]
    return text.rsplit(":", 1)[0] if text.count(":") == 1 else text


def _scrub(value: Any, pattern: re.Pattern[str]) -> Any:
    """Replace what ``pattern`` matches in every string of ``value``."""
    if isinstance(value, str):
        return pattern.sub(REDACTED, value)
    if isinstance(value, Mapping):
        return {key: _scrub(item, pattern) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item, pattern) for item in value]
    return value


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: EnergyMonitorConfigEntry
) -> dict[str, Any]:
    """Return the entry and what its source reports, redacted and scrubbed."""
    diagnostics = {
        "entry": {
            "title": entry.title,
            "unique_id": entry.unique_id,
            "data": dict(entry.data),
            "options": dict(entry.options),
        },
        **entry.runtime_data.diagnostics(),
    }
    secrets: set[str] = set()
    _secrets(diagnostics, secrets)
    scrubbed: dict[str, Any] = scrub_strings(
        async_redact_data(diagnostics, TO_REDACT), secrets
    )
    return scrubbed
