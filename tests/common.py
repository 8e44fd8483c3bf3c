"""Helpers the tests of every source use: the wizard, entity lookup, ports."""

import asyncio
from collections.abc import Callable
import logging
from pathlib import Path
import threading
from typing import Any

from homeassistant import config_entries
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, State, callback
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_monitor.const import DOMAIN

FIXTURES = Path(__file__).parent / "fixtures"
"""Sample data of every source (attributions in fixtures/SOURCES.md)."""


async def walk_to_form(hass: HomeAssistant, *steps: str) -> FlowResult:
    """Open the setup wizard, pick ``steps`` from its menus, return the form."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    for step in steps:
        assert result["type"] is FlowResultType.MENU
        assert step in result["menu_options"]
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"next_step_id": step}
        )
        assert result["step_id"] == step
    assert result["type"] is FlowResultType.FORM
    return result


async def closed_port() -> int:
    """Return a loopback port nothing listens on."""
    server = await asyncio.start_server(lambda _reader, _writer: None, "127.0.0.1", 0)
    port: int = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    return port


def states_by_key(hass: HomeAssistant, key: str) -> list[State]:
    """Return the states of the Energy Monitor entities ending in ``_key``."""
    registry = er.async_get(hass)
    states = []
    for entry in registry.entities.values():
        if entry.platform == DOMAIN and entry.unique_id.endswith(f"_{key}"):
            state = hass.states.get(entry.entity_id)
            assert state is not None, entry.entity_id
            states.append(state)
    return states


def entity_id_for(hass: HomeAssistant, key: str) -> str:
    """Return the entity ID of the one Energy Monitor entity ending in ``_key``."""
    registry = er.async_get(hass)
    matches = [
        entry.entity_id
        for entry in registry.entities.values()
        if entry.platform == DOMAIN and entry.unique_id.endswith(f"_{key}")
    ]
    assert len(matches) == 1, f"{key}: {matches}"
    return matches[0]


def state_for(hass: HomeAssistant, key: str) -> State:
    """Return the state of the entity whose unique ID ends in ``_key``."""
    state = hass.states.get(entity_id_for(hass, key))
    assert state is not None, key
    return state


def entity_id_by_unique_id(hass: HomeAssistant, unique_id: str) -> str:
    """Return the entity ID of the Energy Monitor sensor with this unique ID."""
    entity_id = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, unique_id)
    assert entity_id is not None, unique_id
    return entity_id


@callback
def _every_event(_data: object) -> bool:
    """Let every event through (a bus listener's filter)."""
    return True


async def until(
    hass: HomeAssistant,
    condition: Callable[[], bool],
    *event_types: str,
    timeout: float = 5.0,
) -> None:
    """Wait until ``condition()`` holds, checking it on every event it depends on.

    For what real I/O brings about (bytes on a loopback socket): no polling,
    the condition is checked on each event of ``event_types`` (state changes
    by default) and on each config-flow change. Bounded by ``timeout`` seconds
    of real time, also when the test froze the clock (a timer thread, since
    the frozen event loop's own timeouts would never expire).
    """
    if condition():
        return
    done: asyncio.Future[None] = hass.loop.create_future()

    @callback
    def check(*_args: object) -> None:
        if not done.done() and condition():
            done.set_result(None)

    @callback
    def expire() -> None:
        if not done.done():
            done.set_exception(TimeoutError(f"not reached within {timeout} s"))

    unsubscribe = [
        # A filter is required for state_reported; it lets every event through.
        hass.bus.async_listen(event_type, check, event_filter=_every_event)
        for event_type in event_types or (EVENT_STATE_CHANGED,)
    ]
    unsubscribe.append(hass.config_entries.flow.async_subscribe_flow(check))
    timer = threading.Timer(timeout, hass.loop.call_soon_threadsafe, (expire,))
    timer.start()
    try:
        await done
    finally:
        timer.cancel()
        timer.join()
        for undo in unsubscribe:
            undo()


def record_states(hass: HomeAssistant) -> dict[str, list[str]]:
    """Record every state an Energy Monitor sensor takes from now on."""
    seen: dict[str, list[str]] = {}

    def changed(event: Event[Any]) -> None:
        new = event.data["new_state"]
        if new is not None and new.entity_id.startswith("sensor."):
            seen.setdefault(new.entity_id, []).append(new.state)

    hass.bus.async_listen(EVENT_STATE_CHANGED, changed)
    return seen


def numbers(states: list[str]) -> list[float]:
    """Return the numeric states of a list of states."""
    result = []
    for state in states:
        try:
            result.append(float(state))
        except ValueError:
            continue
    return result


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the error records logged (a traceback is one)."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def form_field(result: FlowResult, name: str) -> tuple[Any, Any, list[str]]:
    """Return a form field's default, suggested value and dropdown options."""
    schema = result["data_schema"]
    assert schema is not None
    for key, selector in schema.schema.items():
        if key == name:
            suggested = (key.description or {}).get("suggested_value")
            options = selector.config["options"]
            return key.default(), suggested, options
    pytest.fail(f"no field {name}")


def register_meter(
    hass: HomeAssistant,
    source: str,
    title: str,
    devices: dict[str, tuple[str, ...]],
) -> dict[str, str]:
    """Register a source's entry with its devices' sensors (device name: keys).

    Unique IDs and entity IDs are ``<device slug>_<key>``, as the sources
    make them; every sensor gets a state. Return the devices' identifiers
    (the grid-meter choices) by name.
    """
    entry = MockConfigEntry(domain=DOMAIN, title=title, data={"source": source})
    entry.add_to_hass(hass)
    entities = er.async_get(hass)
    device_ids: dict[str, str] = {}
    for name, keys in devices.items():
        slug = name.lower().replace(" ", "_")
        device = dr.async_get(hass).async_get_or_create(
            config_entry_id=entry.entry_id, identifiers={(DOMAIN, slug)}, name=name
        )
        for key in keys:
            entity = entities.async_get_or_create(
                "sensor",
                DOMAIN,
                f"{slug}_{key}",
                config_entry=entry,
                device_id=device.id,
                suggested_object_id=f"{slug}_{key}",
            )
            hass.states.async_set(entity.entity_id, "1")
        device_ids[name] = slug
    return device_ids
