"""The setup wizard for Flukso meters: every path, every error, then recovery."""

import asyncio
import json
from unittest.mock import patch

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import async_fire_mqtt_message
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from simulators.flukso import (
    CloudFault,
    FluksoBroker,
    FluksoCloud,
    FluksoSimulator,
    FluksoVariant,
    token_of,
)
from tests.common import closed_port, walk_to_form
from tests.flukso.helpers import setup_entry

pytestmark = pytest.mark.usefixtures("mock_setup_entry")

FLOW = "custom_components.energy_monitor.sources.flukso.config_flow"
NO_HISTORY = {"history": False}


async def test_own_broker(hass: HomeAssistant, flm03: FluksoSimulator) -> None:
    """The FLM's broker with its configuration: the meter is added."""
    result = await walk_to_form(hass, "flukso", "flukso_broker")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": flm03.host, "port": flm03.port}
    )
    assert result["step_id"] == "flukso_cloud"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"history": False, "api_url": "http://127.0.0.1:1"}
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
    result = await hass.config_entries.flow.async_configure(flow_id, NO_HISTORY)
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
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], NO_HISTORY
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
    result = await hass.config_entries.flow.async_configure(flow_id, NO_HISTORY)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {
        "source": "flukso",
        "via_ha_mqtt": True,
        "device_id": meter.device_id,
    }
    assert json.loads(meter.config_messages()[0][1])["1"]["function"] == "Main"


async def test_history_tokens(
    hass: HomeAssistant, flm02: FluksoSimulator, cloud: FluksoCloud
) -> None:
    """A refused token, then the right one; cloud down; blanks skip a sensor."""
    main, solar, gas, water = (sensor.sensor_id for sensor in flm02.sensors)
    result = await walk_to_form(hass, "flukso", "flukso_broker")
    flow_id = result["flow_id"]
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"host": flm02.host, "port": flm02.port}
    )
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"history": True, "api_url": cloud.url}
    )
    assert result["step_id"] == "flukso_token"
    assert result["description_placeholders"] == {
        "sensor": "Main (electricity)",
        "sensor_id": main,
    }
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"token": token_of(solar)}
    )
    assert result["errors"] == {"token": "invalid_token"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"token": f" {token_of(main)} "}
    )
    assert result["description_placeholders"]["sensor"] == "Solar (electricity)"
    cloud.set_fault(CloudFault.DOWN)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"token": token_of(solar)}
    )
    assert result["errors"] == {"base": "flukso_cloud_cannot_connect"}
    result = await hass.config_entries.flow.async_configure(flow_id, {"token": ""})
    assert result["description_placeholders"]["sensor"] == "Gas (gas)"
    with patch(f"{FLOW}.flukso_cloud", side_effect=RuntimeError("boom")):
        result = await hass.config_entries.flow.async_configure(flow_id, {"token": "x"})
    assert result["errors"] == {"base": "unknown"}
    result = await hass.config_entries.flow.async_configure(flow_id, {})
    assert result["description_placeholders"]["sensor_id"] == water
    result = await hass.config_entries.flow.async_configure(flow_id, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {
        "source": "flukso",
        "host": flm02.host,
        "port": flm02.port,
        "device_id": flm02.device_id,
        "api_url": cloud.url,
        "history_tokens": {main: token_of(main)},
    }
    assert gas not in result["data"]["history_tokens"]


async def test_history_all_skipped(hass: HomeAssistant, flm03: FluksoSimulator) -> None:
    """Every token left empty: no history, no API root stored."""
    result = await walk_to_form(hass, "flukso", "flukso_broker")
    flow_id = result["flow_id"]
    await hass.config_entries.flow.async_configure(
        flow_id, {"host": flm03.host, "port": flm03.port}
    )
    result = await hass.config_entries.flow.async_configure(flow_id, {"history": True})
    assert (
        result["description_placeholders"]["sensor"] == "Kitchen (electricity, pplus)"
    )
    for _sensor in range(4):
        result = await hass.config_entries.flow.async_configure(flow_id, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert "api_url" not in result["data"]
    assert "history_tokens" not in result["data"]


async def test_reconfigure_history(
    hass: HomeAssistant, flm02: FluksoSimulator, cloud: FluksoCloud
) -> None:
    """Reconfigure suggests the tokens known; a new one for Solar is kept."""
    main, solar = flm02.sensors[0].sensor_id, flm02.sensors[1].sensor_id
    with patch("custom_components.energy_monitor.async_setup_entry", return_value=True):
        entry = await setup_entry(
            hass, flm02, api_url=cloud.url, history_tokens={main: token_of(main)}
        )
    result = await entry.start_reconfigure_flow(hass)
    flow_id = result["flow_id"]
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"host": flm02.host, "port": flm02.port}
    )
    assert result["step_id"] == "flukso_cloud"
    schema = result["data_schema"].schema
    assert [key.description for key in schema] == [
        {"suggested_value": True},
        {"suggested_value": cloud.url},
    ]
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"history": True, "api_url": cloud.url}
    )
    suggested = next(iter(result["data_schema"].schema)).description
    assert suggested == {"suggested_value": token_of(main)}
    for answer in (token_of(main), token_of(solar), "", ""):
        result = await hass.config_entries.flow.async_configure(
            flow_id, {"token": answer}
        )
    assert result["reason"] == "reconfigure_successful"
    assert entry.data["history_tokens"] == {
        main: token_of(main),
        solar: token_of(solar),
    }


async def test_meter_without_counters(
    hass: HomeAssistant, broker: FluksoBroker
) -> None:
    """A meter with only a voltage sensor: no history step."""
    meter = FluksoSimulator(FluksoVariant.FLM03, broker.host, broker.port)
    meter.config = {
        "1": {"id": "3" * 32, "type": "electricity", "subtype": "vrms", "port": [1]}
    }
    await meter.publish_config()
    result = await walk_to_form(hass, "flukso", "flukso_broker")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": meter.host, "port": meter.port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
