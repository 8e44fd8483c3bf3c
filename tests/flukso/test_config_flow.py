"""The setup wizard for Flukso meters: every path, every error, then recovery."""

import asyncio
import json
from unittest.mock import patch

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import async_fire_mqtt_message
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from simulators.flukso import FluksoBroker, FluksoSimulator, FluksoVariant
from tests.common import closed_port, walk_to_form
from tests.flukso.helpers import setup_entry

pytestmark = pytest.mark.usefixtures("mock_setup_entry")

FLOW = "custom_components.energy_monitor.sources.flukso.config_flow"


async def test_own_broker(hass: HomeAssistant, flm03: FluksoSimulator) -> None:
    """The FLM's broker with its configuration: the meter is added."""
    result = await walk_to_form(hass, "flukso", "flukso_broker")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": flm03.host, "port": flm03.port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Fluksometer 01234567"
    assert result["data"] == {
        "source": "flukso",
        "host": flm03.host,
        "port": flm03.port,
        "device_id": flm03.device_id,
    }
    assert result["result"].unique_id == flm03.device_id

    # The same meter again.
    result = await walk_to_form(hass, "flukso", "flukso_broker")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": flm03.host, "port": flm03.port}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_errors_then_recovery(hass: HomeAssistant, broker: FluksoBroker) -> None:
    """cannot_connect, no_config, unknown, then the meter publishes: added."""
    result = await walk_to_form(hass, "flukso", "flukso_broker")
    flow_id = result["flow_id"]
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"host": "127.0.0.1", "port": await closed_port()}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    answer = {"host": broker.host, "port": broker.port}
    result = await hass.config_entries.flow.async_configure(flow_id, answer)
    assert result["errors"] == {"base": "no_config"}
    with patch(f"{FLOW}.async_discover", side_effect=RuntimeError("boom")):
        result = await hass.config_entries.flow.async_configure(flow_id, answer)
    assert result["errors"] == {"base": "unknown"}
    meter = FluksoSimulator(FluksoVariant.FLM02, broker.host, broker.port)
    await meter.publish_config()
    result = await hass.config_entries.flow.async_configure(flow_id, answer)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == meter.device_id


async def test_reconfigure(
    hass: HomeAssistant, broker: FluksoBroker, flm02: FluksoSimulator
) -> None:
    """A new address of the same meter is taken; another meter is refused."""
    with patch("custom_components.energy_monitor.async_setup_entry", return_value=True):
        entry = await setup_entry(hass, flm02, port=await closed_port())
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "flukso_reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": "127.0.0.1", "port": await closed_port()}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": broker.host, "port": broker.port}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data["port"] == broker.port

    other = FluksoSimulator(FluksoVariant.FLM03, broker.host, broker.port)
    await flm02.publish(f"/device/{flm02.device_id}/config/sensor", b"", retain=True)
    await other.publish_config()
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": broker.host, "port": broker.port}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_device"


async def test_ha_mqtt_not_set_up(hass: HomeAssistant) -> None:
    """Without Home Assistant's MQTT integration the wizard says so."""
    result = await walk_to_form(hass, "flukso", "flukso_ha_mqtt")
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["errors"] == {"base": "mqtt_not_configured"}


async def test_ha_mqtt(hass: HomeAssistant, mqtt_mock: MqttMockHAClient) -> None:
    """Through HA's MQTT: no configuration yet, then the bridged one arrives."""
    meter = FluksoSimulator(FluksoVariant.FLM02)
    result = await walk_to_form(hass, "flukso", "flukso_ha_mqtt")
    flow_id = result["flow_id"]
    result = await hass.config_entries.flow.async_configure(flow_id, {})
    assert result["errors"] == {"base": "no_config"}

    submit = asyncio.ensure_future(
        hass.config_entries.flow.async_configure(flow_id, {})
    )
    await asyncio.sleep(0.1)
    async_fire_mqtt_message(hass, "/device/x/config/sensor", b"[]")
    for topic, payload in meter.config_messages():
        async_fire_mqtt_message(hass, topic, payload)
    result = await submit
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {
        "source": "flukso",
        "via_ha_mqtt": True,
        "device_id": meter.device_id,
    }
    assert json.loads(meter.config_messages()[0][1])["1"]["function"] == "Main"
