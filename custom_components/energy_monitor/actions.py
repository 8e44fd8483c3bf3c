"""What every action of Energy Monitor shares: its errors and the files it reads."""

from pathlib import Path

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError

from .const import DOMAIN


def action_error(key: str, **placeholders: str) -> ServiceValidationError:
    """Return a translated validation error of an action."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )


def read_allowed_file(hass: HomeAssistant, name: str) -> str:
    """Read a text file an action names (relative: in the configuration folder).

    Blocking: call it in an executor.

    Raises:
        ServiceValidationError: when the file is not allowed or unreadable.
    """
    path = Path(hass.config.path(name))
    if not hass.config.is_allowed_path(str(path)):
        raise action_error("path_not_allowed", path=name)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as err:
        raise action_error("file_unreadable", path=name, error=str(err)) from err
