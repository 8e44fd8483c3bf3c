"""The declaration every source makes: what Energy Monitor needs to offer it.

Each ``sources/<source>/__init__.py`` exports one :class:`SourceSpec` as
``SPEC``; ``sources/__init__.py`` finds them all. The wizard's menu and
steps, the options flows, platform forwarding, the actions, the diagnostics'
redaction and the development instance's simulators are generated from the
set of specs, so adding a source touches only its own folders.
:func:`source_entry` finds the entry an action of a source names, typed.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    OptionsFlow,
)
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError

from .const import CONF_SOURCE, DOMAIN
from .coordinator import EnergyMonitorConfigEntry, SourceRuntime


@dataclass(frozen=True, kw_only=True, slots=True)
class SourceSpec[RuntimeT: SourceRuntime]:
    """One kind of source: how it is added, set up, acted on and redacted."""

    source: str
    """Stored as ``source`` in every entry's data: never change it. Also the
    wizard's menu option and the prefix of the source's step IDs."""
    menu_position: int
    """Where the wizard's menu offers the source (ascending)."""
    config_flow: type[ConfigFlow]
    """The wizard mixin: ``async_step_<source>``, ``async_step_<source>_reconfigure``
    and, with credentials, ``async_step_<source>_reauth``."""
    options_flow: Callable[[], OptionsFlow] | None
    """The options flow, or ``None`` when the source has no options."""
    async_setup_runtime: Callable[
        [HomeAssistant, EnergyMonitorConfigEntry], Awaitable[RuntimeT]
    ]
    """Connect to the device and return the entry's runtime data."""
    platforms: tuple[Platform, ...]
    """The entity platforms the runtime adds entities to."""
    async_setup_actions: (
        Callable[[HomeAssistant, SourceSpec[RuntimeT]], None] | None
    ) = None
    """Register the source's actions (once, when the integration loads)."""
    redact: frozenset[str] = frozenset()
    """Keys the source's entry data and diagnostics hold secrets or addresses in."""
    simulator: str | None = None
    """The module of ``simulators/`` that serves the development instance's
    devices of this source (``simulators/<name>.py``), if any."""


def source_entry[RuntimeT: SourceRuntime](
    hass: HomeAssistant,
    entry_id: str,
    spec: SourceSpec[RuntimeT],
    *,
    not_found: str,
    not_loaded: str | None = None,
) -> ConfigEntry[RuntimeT]:
    """Return the entry an action names, typed as an entry of ``spec``'s source.

    An entry whose ``source`` is the spec's has the spec's runtime type: setup
    stores what ``spec.async_setup_runtime`` returns as its ``runtime_data``.

    Args:
        hass: Home Assistant.
        entry_id: the ``config_entry_id`` of the action.
        spec: the source the action belongs to.
        not_found: the error's translation key when the entry is not one of
            the spec's source.
        not_loaded: the error's translation key when the entry is not loaded,
            or ``None`` when the action also works on an entry that is not.

    Raises:
        ServiceValidationError: (translated) when the entry is not one of
            the spec's source, or not loaded.
    """
    entry = hass.config_entries.async_get_entry(entry_id)
    if (
        entry is None
        or entry.domain != DOMAIN
        or entry.data.get(CONF_SOURCE) != spec.source
    ):
        raise _action_error(not_found, entry_id)
    if not_loaded is not None and entry.state is not ConfigEntryState.LOADED:
        raise _action_error(not_loaded, entry_id)
    return entry


def _action_error(key: str, entry_id: str) -> ServiceValidationError:
    """Return the translated error of an action naming ``entry_id``."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={"entry_id": entry_id},
    )
