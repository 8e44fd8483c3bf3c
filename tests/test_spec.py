"""The source specs: every source declares itself, and nothing else lists them.

A throw-away source defined here (``fake``) shows that a new spec alone puts
a source in the wizard's menu, its steps in the flow, its options, platforms,
actions and redaction keys in place, with no edit anywhere else.
"""

from collections.abc import Iterator
import importlib
from pathlib import Path
from typing import Any, override

from homeassistant import config_entries
from homeassistant.components.diagnostics import REDACTED
from homeassistant.components.sensor import SensorEntity
from homeassistant.config_entries import (
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import ATTR_CONFIG_ENTRY_ID, CONF_HOST, Platform
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
)
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
import probatio as vol
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_monitor import (
    config_flow,
    diagnostics,
    services,
    sources as sources_package,
)
from custom_components.energy_monitor.const import CONF_SOURCE, DOMAIN
from custom_components.energy_monitor.coordinator import (
    EnergyMonitorConfigEntry,
    SourceRuntime,
)
from custom_components.energy_monitor.sources import SPECS, discover_specs
from custom_components.energy_monitor.spec import SourceSpec, source_entry
from simulators.devices import DEV_SETUPS

INTEGRATION = Path(config_flow.__file__).parent

STORED_SOURCES = ["p1", "flukso", "fronius", "modbus", "site", "ev_charger"]
"""The ``source`` values entries store, in menu order (never change them;
a new source adds its own)."""


def test_every_source_package_exports_a_spec() -> None:
    """Each subpackage of sources/ is found, and is one source."""
    packages = sorted(
        path.parent.name for path in (INTEGRATION / "sources").glob("*/__init__.py")
    )
    assert len(SPECS) == len(packages)
    sources = [spec.source for spec in SPECS]
    assert [source for source in sources if source in STORED_SOURCES] == (
        STORED_SOURCES
    )
    for spec in SPECS:
        assert isinstance(spec, SourceSpec)
        assert hasattr(spec.config_flow, f"async_step_{spec.source}")
        assert hasattr(spec.config_flow, f"async_step_{spec.source}_reconfigure")
        assert spec.platforms
        for platform in spec.platforms:
            module = importlib.import_module(f"{config_flow.__package__}.{platform}")
            assert callable(module.async_setup_entry)
            assert isinstance(module.PARALLEL_UPDATES, int)


async def test_the_wizard_offers_what_the_specs_declare(hass: HomeAssistant) -> None:
    """The menu, the steps and the options come from the specs."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == [spec.source for spec in SPECS]
    for spec in SPECS:
        entry = MockConfigEntry(domain=DOMAIN, data={CONF_SOURCE: spec.source})
        entry.add_to_hass(hass)
        assert entry.supports_options is (spec.options_flow is not None)
        assert hasattr(config_flow.EnergyMonitorConfigFlow, f"async_step_{spec.source}")


async def test_actions_are_what_the_specs_register(hass: HomeAssistant) -> None:
    """The actions registered are the sources' actions, each described."""
    assert await async_setup_component(hass, DOMAIN, {})
    described = load_yaml_dict(str(INTEGRATION / "services.yaml"))
    registered = hass.services.async_services_for_domain(DOMAIN)
    assert (
        set(registered)
        == set(described)
        == {
            "boost",
            "get_charging_plan",
            "import_octopus_cache",
            "import_tariff",
            "calibrate_channel",
            "import_history",  # integration-wide (history/), no spec's
        }
    )
    with_actions = [spec.source for spec in SPECS if spec.async_setup_actions]
    assert with_actions == ["mcp3008", "octopus", "site", "ev_charger"]


def test_redaction_is_every_spec_s_keys() -> None:
    """Diagnostics redact what every source declares, and the shared keys."""
    shared = {CONF_HOST, "serial_number", "title", "unique_id"}
    declared = set().union(*(spec.redact for spec in SPECS))
    assert shared | declared == diagnostics.TO_REDACT
    assert {"encryption_key", "authentication_key", "serial_port"} <= declared


def test_the_dev_instance_simulates_every_source_with_a_simulator() -> None:
    """``python -m simulators`` serves what the specs name."""
    assert len(DEV_SETUPS) == len([spec for spec in SPECS if spec.simulator])
    simulated = {spec.source for spec in SPECS if spec.simulator is not None}
    assert {"p1", "fronius", "modbus", "ev_charger"} <= simulated


def _package(root: Path, name: str, subpackages: dict[str, str]) -> None:
    """Write a package ``name`` with subpackages of the given source text.

    A plain module (not a source) sits next to them.
    """
    (root / name).mkdir()
    (root / name / "__init__.py").write_text('"""Test package."""\n')
    (root / name / "helpers.py").write_text('"""Not a source."""\n')
    for subpackage, text in subpackages.items():
        (root / name / subpackage).mkdir()
        (root / name / subpackage / "__init__.py").write_text(text)


def test_a_package_without_a_spec_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A source package must export a SourceSpec named SPEC."""
    monkeypatch.syspath_prepend(str(tmp_path))
    _package(tmp_path, "em_no_spec", {"p1": "SPEC = 'p1'\n"})
    with pytest.raises(TypeError, match=r"em_no_spec\.p1\.SPEC"):
        discover_specs("em_no_spec", [str(tmp_path / "em_no_spec")])


def test_two_specs_of_one_source_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two packages cannot claim the same source."""
    monkeypatch.syspath_prepend(str(tmp_path))
    text = "from tests.test_spec import FAKE_SPEC as SPEC\n"
    _package(tmp_path, "em_twice", {"one": text, "two": text})
    with pytest.raises(ValueError, match="source"):
        discover_specs("em_twice", [str(tmp_path / "em_twice")])


# A throw-away source: everything it needs is declared below, in one spec.


class FakeSensor(SensorEntity):
    """The fake meter's one reading."""

    _attr_name = "Fake power"

    def __init__(self, entry_id: str) -> None:
        """Name the reading after its entry."""
        self._attr_unique_id = f"{entry_id}_fake_power"
        self._attr_native_value = 42


class FakeRuntime(SourceRuntime):
    """A loaded fake meter."""

    def __init__(self, entry: EnergyMonitorConfigEntry) -> None:
        """Keep the entry ID (the entities' unique IDs)."""
        self.entry_id = entry.entry_id
        self.pings = 0

    @override
    def async_add_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add the reading."""
        async_add_entities([FakeSensor(self.entry_id)])

    @override
    async def async_shutdown(self) -> None:
        """Nothing to stop."""

    @override
    def diagnostics(self) -> dict[str, Any]:
        """Return a secret the spec redacts."""
        return {"fake_secret": "hunter2", "pings": self.pings}


async def _async_setup_fake(
    hass: HomeAssistant, entry: EnergyMonitorConfigEntry
) -> FakeRuntime:
    """Set up a fake meter."""
    return FakeRuntime(entry)


class FakeConfigFlow(ConfigFlow):
    """The fake meter's wizard steps."""

    async def async_step_fake(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the secret."""
        if user_input is None:
            return self.async_show_form(
                step_id="fake",
                data_schema=vol.Schema({vol.Required("fake_secret"): str}),
            )
        return self.async_create_entry(
            title="Fake meter", data={CONF_SOURCE: "fake", **user_input}
        )

    async def async_step_fake_reconfigure(self) -> ConfigFlowResult:
        """Nothing to change."""
        return self.async_abort(reason="reconfigure_successful")


class FakeOptionsFlow(OptionsFlow):
    """The fake meter's options."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the (empty) options."""
        return self.async_show_form(step_id="init")


def _async_setup_fake_actions(
    hass: HomeAssistant, spec: SourceSpec[FakeRuntime]
) -> None:
    """Register ``fake_ping``: answers with the loaded meter's ping count."""

    async def ping(call: ServiceCall) -> ServiceResponse:
        entry = source_entry(
            hass,
            call.data[ATTR_CONFIG_ENTRY_ID],
            spec,
            not_found="not_a_fake",
            not_loaded="fake_not_loaded",
        )
        entry.runtime_data.pings += 1
        return {"pings": entry.runtime_data.pings}

    hass.services.async_register(
        DOMAIN, "fake_ping", ping, supports_response=SupportsResponse.ONLY
    )


FAKE_SPEC = SourceSpec[FakeRuntime](
    source="fake",
    menu_position=99,
    config_flow=FakeConfigFlow,
    options_flow=FakeOptionsFlow,
    async_setup_runtime=_async_setup_fake,
    platforms=(Platform.SENSOR,),
    async_setup_actions=_async_setup_fake_actions,
    redact=frozenset({"fake_secret"}),
)


def _reload_what_lists_sources() -> None:
    """Build the flow, the actions and the redaction again from the specs."""
    for module in (config_flow, services, diagnostics):
        importlib.reload(module)


@pytest.fixture
def fake_source(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Add the fake source to the specs (as its package would)."""
    monkeypatch.setattr(sources_package, "SPECS", (*SPECS, FAKE_SPEC))
    _reload_what_lists_sources()
    yield
    monkeypatch.undo()
    _reload_what_lists_sources()


async def _ping(hass: HomeAssistant, entry_id: str) -> ServiceResponse:
    """Call the fake meter's action."""
    return await hass.services.async_call(
        DOMAIN,
        "fake_ping",
        {ATTR_CONFIG_ENTRY_ID: entry_id},
        blocking=True,
        return_response=True,
    )


async def test_a_new_spec_is_all_a_new_source_needs(
    hass: HomeAssistant, fake_source: None
) -> None:
    """Menu, steps, setup, platforms, options, actions and redaction follow."""
    assert await async_setup_component(hass, DOMAIN, {})
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    assert result["menu_options"] == [*(spec.source for spec in SPECS), "fake"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "fake"}
    )
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"fake_secret": "hunter2"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.fake_power").state == "42"

    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={
            "source": config_entries.SOURCE_RECONFIGURE,
            "entry_id": entry.entry_id,
        },
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.supports_options
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM

    assert await _ping(hass, entry.entry_id) == {"pings": 1}
    report = await diagnostics.async_get_config_entry_diagnostics(hass, entry)
    assert report["entry"]["data"]["fake_secret"] == REDACTED
    assert report["fake_secret"] == REDACTED
    assert report["pings"] == 1

    site = MockConfigEntry(domain=DOMAIN, data={CONF_SOURCE: "site"})
    site.add_to_hass(hass)
    with pytest.raises(ServiceValidationError) as err:
        await _ping(hass, site.entry_id)
    assert err.value.translation_key == "not_a_fake"
    assert await hass.config_entries.async_unload(entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await _ping(hass, entry.entry_id)
    assert err.value.translation_key == "fake_not_loaded"
