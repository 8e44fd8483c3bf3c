"""The browser walk: wizards, device pages and the Energy dashboard.

Every source whose simulator module has a ``DEV`` is walked with the wizard
answers of its devices (the same answers the development helper uses), plus
the energy site with :data:`SITE_WALK`. Answers are matched to the wizard's
forms by field name, so an added step is answered with its defaults (or
fails with a clear message when it asks for a required value no answer
has). The first form of each source is first submitted with one wrong
answer (:func:`_wrong_answers`): the error the page shows is checked, then
the right answers recover.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http import HTTPStatus
import importlib
import json
from pathlib import Path
import re
import socket
import tempfile
import time
from typing import Any, cast
from zoneinfo import ZoneInfo

from playwright.sync_api import Locator, Page, expect, sync_playwright

from custom_components.energy_monitor.sources import SPECS
from simulators.dev import HOST, DevDevice, DevSetup

ROOT = Path(__file__).resolve().parent.parent
STRINGS: dict[str, Any] = json.loads(
    (ROOT / "custom_components/energy_monitor/strings.json").read_text()
)["config"]
USER, PASSWORD = "dev", "dev"
"""The development instance's user (``script/develop`` creates it)."""

SITE_WALK = DevDevice(
    "Energy site (entities suggested by the wizard)",
    (
        {"next_step_id": "site"},
        {"name": "Home"},
        {
            "import_rate": 0.30,
            "export_rate": 0.05,
            "gas_rate": 1.20,
            "standing_charge": 0.50,
            "capacity_rate": 4.0,
        },
    ),
)
"""The energy site has no simulator: its answers (entities are suggested)."""

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
STEP_TIMEOUT_MS = 60_000
"""A wizard step may wait for a device (a P1 telegram: up to 30 s)."""
NO_VALUE_YET = {
    "solar_share_today": "the EV's solar share is undefined until it charged today",
    **dict.fromkeys(
        (
            "self_consumption_ratio",
            "self_consumption_ratio_today",
            "self_consumption_ratio_month",
            "self_consumption",
        ),
        "a share of solar production is undefined until the panels produced"
        " (the simulators follow the sun)",
    ),
    **dict.fromkeys(
        (
            "site_standby_power",
            "site_standby_share",
            "site_load_factor",
            "site_peaks",
            "heating_degree_days",
            "gas_per_degree_day",
        ),
        "an insight describes the last whole day, which a fresh instance lacks",
    ),
    **dict.fromkeys(
        (
            "price_export_next",
            "price_export_previous",
            "price_gas_kwh_next",
            "price_gas_kwh_previous",
        ),
        "a fixed tariff has one open-ended rate: no next or previous one",
    ),
}
"""Measurement keys whose entity may rightly show Unknown on a fresh instance."""
_CURRENCY_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$"}
VALUE_WAIT_S = 90.0
"""How long a device page may take until every sensor has a value.

The site's ratios (self-sufficiency, self-consumption) need the sources'
energy counters to move after the site was set up, and a counter is written
at most once a minute (its write policy): a value can rightly take a minute
and a site update. The wait ends as soon as every value is there."""

_HELPERS = """
window.__e2e = {
  deep(root, sel) {
    const hit = root.querySelector(sel);
    if (hit) return hit;
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) {
        const found = this.deep(el.shadowRoot, sel);
        if (found) return found;
      }
    }
    return null;
  },
  dialog() { return this.deep(document, 'dialog-data-entry-flow'); },
  step() { const d = this.dialog(); return d && d._step ? d._step : null; },
  form() {
    const d = this.dialog();
    return d ? this.deep(d.shadowRoot, 'ha-form') : null;
  },
  text(node) {
    if (node.nodeType === Node.TEXT_NODE) return node.textContent;
    if (node.nodeType !== Node.ELEMENT_NODE && node.nodeType !== 11) return '';
    if (node.nodeName === 'STYLE' || node.nodeName === 'SCRIPT') return '';
    if (node.nodeName === 'INPUT') return node.value;
    const shadow = node.shadowRoot ? node.shadowRoot.childNodes : [];
    const kids = [...shadow, ...node.childNodes];
    return kids.map((kid) => this.text(kid)).join(' ');
  },
  rows() {
    const rows = [];
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (/^HUI-.*-ENTITY-ROW$/.test(el.tagName) && el.config && el.config.entity) {
          rows.push([el.config.entity, this.text(el).replace(/\\s+/g, ' ').trim()]);
        }
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    return rows;
  },
};
"""


class E2EError(Exception):
    """What the user would have seen go wrong."""


@dataclass
class Walk:
    """One wizard walk: a source, a device and the answers that add it."""

    source: str
    device: DevDevice


@dataclass
class Run:
    """The browser session and what it has done so far."""

    page: Page
    url: str
    artifacts: Path
    shots: int = 0
    entries: dict[str, list[str]] = field(default_factory=dict)
    """Entry IDs created per source."""
    steps: list[str] = field(default_factory=list)

    def shot(self, name: str) -> None:
        """Save a screenshot of the page as the next numbered PNG."""
        self.shots += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]
        self.page.screenshot(path=self.artifacts / f"{self.shots:02d}-{slug}.png")

    def goto(self, path: str) -> None:
        """Open a page of the frontend and wait until it is connected."""
        self.page.goto(f"{self.url}{path}")
        self.page.wait_for_function(
            "() => document.querySelector('home-assistant')?.hass?.states"
        )

    def ws(self, message: dict[str, Any]) -> Any:
        """Send a websocket command as the logged-in user; return its result."""
        return self.page.evaluate(
            "(msg) => document.querySelector('home-assistant').hass.callWS(msg)",
            message,
        )

    def hass(self, expression: str) -> Any:
        """Evaluate ``expression`` on the frontend's ``hass`` object."""
        return self.page.evaluate(
            f"() => {{ const hass = document.querySelector('home-assistant').hass;"
            f" return {expression}; }}"
        )

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Log a step, time it and screenshot it (also when it fails)."""
        started = time.monotonic()
        print(f"e2e: {name} ...", flush=True)  # noqa: T201
        try:
            yield
        except Exception:
            self.shot(f"FAILED {name}")
            raise
        self.shot(name)
        self.steps.append(name)
        print(f"e2e: {name}: ok ({time.monotonic() - started:.1f} s)", flush=True)  # noqa: T201


def walks(only: frozenset[str]) -> list[Walk]:
    """Return the wizard walks in menu order: every DEV device, and the site."""
    result: list[Walk] = []
    for spec in SPECS:
        if only and spec.source not in only:
            continue
        if spec.simulator is not None:
            module = importlib.import_module(f"simulators.{spec.simulator}")
            setup = cast("DevSetup", module.DEV)
            result.extend(Walk(spec.source, device) for device in setup.devices)
        elif spec.source == "site":
            result.append(Walk(spec.source, SITE_WALK))
    return result


def closed_port() -> int:
    """Return a TCP port on the simulators' host that nothing listens on."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _wrong_answers(source: str, data: dict[str, Any]) -> dict[str, Any] | None:
    """Return one wrong answer for a source's form with ``data``, if it has one.

    ``None`` as a value clears the field.
    """
    wrong: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
        "p1": ("port", lambda _: {"port": closed_port()}),
        "modbus": ("port", lambda _: {"port": closed_port()}),
        "flukso": ("port", lambda _: {"port": closed_port()}),
        "fronius": ("host", lambda _: {"host": f"{HOST}:{closed_port()}"}),
        "octopus": ("api_key", lambda _: {"api_key": "sk_live_revoked0000000000"}),
        "mcp3008": ("spi_device", lambda _: {"spi_device": 1}),
        "ev_charger": (
            "grid_power_entity",
            lambda _: {"grid_power_entity": None, "surplus_power_entity": None},
        ),
        "site": (
            "grid_import",
            lambda answers: {"grid_export": answers["grid_import"]},
        ),
    }
    if source not in wrong:
        return None
    field, answer = wrong[source]
    return answer(data) if data.get(field) is not None else None


def _label_pattern(label: str) -> re.Pattern[str]:
    """Match a field's accessible name: its label, maybe marked required."""
    return re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$")


def _typed_by_keyboard(item: dict[str, Any]) -> bool:
    """Return whether a form field is a text or number box a user types into."""
    if item.get("type") in {"string", "integer", "float"}:
        return True
    selector = item.get("selector") or {}
    if "text" in selector:
        return not selector["text"] or not selector["text"].get("multiline")
    return "number" in selector and (selector["number"] or {}).get("mode") == "box"


class Wizard:
    """Walks Energy Monitor's config flow in the browser's dialog."""

    def __init__(self, run: Run) -> None:
        """Use the run's page."""
        self.run = run
        self.page = run.page
        self.dialog: Locator = self.page.locator("dialog-data-entry-flow")

    def current(self) -> dict[str, Any]:
        """Return the dialog's current step (the flow result it shows)."""
        return cast(
            "dict[str, Any]",
            self.page.evaluate("() => JSON.parse(JSON.stringify(__e2e.step()))"),
        )

    def _act_and_wait(self, action: Callable[[], None]) -> dict[str, Any]:
        """Do ``action`` (a click) and return the step the dialog shows next."""
        self.page.evaluate("() => { __e2e.prev = __e2e.step(); }")
        action()
        self.page.wait_for_function(
            "() => { const s = __e2e.step(); return s && s !== __e2e.prev; }",
            timeout=STEP_TIMEOUT_MS,
        )
        self.page.wait_for_timeout(300)  # the dialog renders the new step
        return self.current()

    def open(self) -> dict[str, Any]:
        """Settings → Devices & services → Add integration → Energy Monitor."""
        self.run.goto("/config/integrations/dashboard")
        self.page.get_by_role("button", name="Add integration").click()
        picker = self.page.locator("dialog-add-integration")
        picker.get_by_role("textbox").first.fill("Energy Monitor")
        choice = picker.get_by_text("Energy Monitor", exact=True).first
        self.page.evaluate("() => { __e2e.prev = null; }")
        choice.click()
        self.page.wait_for_function("() => __e2e.step()", timeout=STEP_TIMEOUT_MS)
        self.page.wait_for_timeout(300)
        return self.current()

    def form_data(self) -> dict[str, Any]:
        """Return the values the open form holds."""
        return cast(
            "dict[str, Any]",
            self.page.evaluate("() => ({ ...(__e2e.form()?.data || {}) })"),
        )

    def fill(self, step: dict[str, Any], answers: dict[str, Any]) -> None:
        """Enter ``answers`` into the form: typed into boxes by their label."""
        schema = {item["name"]: item for item in step["data_schema"]}
        texts = STRINGS["step"].get(step["step_id"], {}).get("data", {})
        by_event: dict[str, Any] = {}
        shown_text = self.page.evaluate("() => __e2e.text(__e2e.dialog())")
        for name, value in answers.items():
            if name not in schema:
                continue
            if name not in texts or texts[name] not in shown_text:
                raise E2EError(
                    f"step {step['step_id']}: the form does not show the label"
                    f" {texts.get(name)!r} of {name} (untranslated?)"
                )
            label = _label_pattern(texts[name])
            box = self.dialog.get_by_role("spinbutton", name=label).or_(
                self.dialog.get_by_role("textbox", name=label)
            )
            shown = self.dialog.get_by_text(texts[name])  # e.g. a slider's
            if value is None or not _typed_by_keyboard(schema[name]):
                by_event[name] = value  # a picker
            elif box.count() == 1:
                box.fill(str(value))
            elif shown.count() >= 1:
                by_event[name] = value  # a number shown as a slider
            else:
                raise E2EError(
                    f"step {step['step_id']}: no box labelled {texts[name]!r}"
                    f" for {name}"
                )
        if by_event:
            # Pickers (entities, selects, sliders) report their value to the
            # form as a value-changed event; send the one they would send.
            self.page.evaluate(
                """(values) => {
                  const form = __e2e.form();
                  const data = { ...form.data };
                  for (const [k, v] of Object.entries(values)) {
                    if (v === null) delete data[k]; else data[k] = v;
                  }
                  form.dispatchEvent(new CustomEvent('value-changed',
                    { detail: { value: data }, bubbles: true, composed: true }));
                }""",
                by_event,
            )
        self.page.wait_for_timeout(200)

    def submit(self) -> dict[str, Any]:
        """Press the form's Submit button; return the next step."""
        button = self.dialog.get_by_role("button", name=re.compile(r"^(Submit|Next)$"))
        return self._act_and_wait(button.click)

    def expect_errors(self, step: dict[str, Any], what: str) -> None:
        """Check that the page shows the texts of the step's errors."""
        errors: dict[str, str] = step.get("errors") or {}
        if step.get("type") != "form" or not errors:
            raise E2EError(f"{what}: the wizard accepted it ({step.get('type')})")
        for key in errors.values():
            text = STRINGS["error"].get(key)
            if text is None:
                raise E2EError(f"{what}: error {key} has no text")
            expect(
                self.dialog.get_by_text(text.split("{")[0].strip()[:60]).first
            ).to_be_visible()

    def walk(self, walk: Walk, *, with_error: bool) -> str:
        """Add ``walk``'s device; return the new entry's ID."""
        name = walk.device.name
        before = {e["entry_id"] for e in self._entries()}
        pending = list(walk.device.wizard)
        step = self.open()
        error_due = with_error
        for _ in range(20):
            kind = step.get("type")
            self.run.shot(f"{walk.source} {name} {step.get('step_id', kind)}")
            if kind == "menu":
                step = self._menu(step, pending, name)
            elif kind == "form":
                answers = self._answers_for(step, pending)
                self._check_required(step, answers, name)
                data = {**self.form_data(), **answers}
                wrong = _wrong_answers(walk.source, data) if error_due else None
                if wrong is not None:
                    error_due = False
                    self.fill(step, {**answers, **wrong})
                    step = self.submit()
                    what = f"{name}: wrong answer {wrong}"
                    self.expect_errors(step, what)
                    self.run.shot(f"{walk.source} error {step['step_id']}")
                    self.run.steps.append(f"{walk.source}: error shown and recovered")
                    # Recover: the form's own values back, then the answers.
                    answers = {**{k: data.get(k) for k in wrong}, **answers}
                self.fill(step, answers)
                step = self.submit()
                if step.get("type") == "form" and step.get("errors"):
                    raise E2EError(f"{name}: {step['step_id']}: {step['errors']}")
            elif kind == "create_entry":
                # "Name and assign": the new devices, each with its name.
                expect(self.dialog.get_by_text("Name and assign")).to_be_visible()
                names = self.dialog.get_by_role("textbox", name="Device name")
                expect(names.first).not_to_have_value("")
                finish = self.dialog.get_by_role(
                    "button", name=re.compile("finish", re.IGNORECASE)
                )
                finish.click()
                expect(finish).to_be_hidden()
                break
            elif kind == "abort":
                raise E2EError(f"{name}: the wizard stopped: {step.get('reason')}")
            else:
                raise E2EError(f"{name}: unexpected wizard step {kind}")
        else:
            raise E2EError(f"{name}: the wizard did not finish in 20 steps")
        if error_due:
            raise E2EError(f"{name}: no form to try a wrong answer in")
        new = [e for e in self._entries() if e["entry_id"] not in before]
        if len(new) != 1:
            raise E2EError(f"{name}: expected one new entry, got {new}")
        return str(new[0]["entry_id"])

    def _entries(self) -> list[dict[str, Any]]:
        return cast(
            "list[dict[str, Any]]",
            self.run.ws({"type": "config_entries/get", "domain": "energy_monitor"}),
        )

    def _menu(
        self, step: dict[str, Any], pending: list[dict[str, Any]], name: str
    ) -> dict[str, Any]:
        """Click the menu option the answers name."""
        options = list(step.get("menu_options") or [])
        for answer in pending:
            if answer.get("next_step_id") in options:
                pending.remove(answer)
                option = answer["next_step_id"]
                break
        else:
            raise E2EError(f"{name}: no answer for menu {step['step_id']} {options}")
        label = STRINGS["step"][step["step_id"]]["menu_options"][option]
        item = self.dialog.get_by_text(label, exact=True)
        return self._act_and_wait(item.click)

    @staticmethod
    def _answers_for(
        step: dict[str, Any], pending: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """Take the first pending answers that belong to this form's fields."""
        fields = {item["name"] for item in step["data_schema"]}
        for answer in pending:
            if "next_step_id" not in answer and fields & set(answer):
                pending.remove(answer)
                return answer
        return {}

    def _check_required(
        self, step: dict[str, Any], answers: dict[str, Any], name: str
    ) -> None:
        """Fail on a required field that neither the answers nor the form fill."""
        data = self.form_data()
        missing = [
            item["name"]
            for item in step["data_schema"]
            if item.get("required")
            and item["name"] not in answers
            and data.get(item["name"]) in (None, "", [])
        ]
        if missing:
            raise E2EError(
                f"{name}: step {step['step_id']} asks for {missing}, which no "
                "answer in the simulator's DEV has: add them there"
            )


def login(run: Run) -> None:
    """Log in on the login page as the development user."""
    page = run.page
    page.goto(run.url)
    page.get_by_role("textbox", name="Username").fill(USER)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_function(
        "() => document.querySelector('home-assistant')?.hass?.user",
        timeout=60_000,
    )
    # The first start may still install Home Assistant's own requirements.
    page.wait_for_function(
        "() => document.querySelector('home-assistant').hass.config.state"
        " === 'RUNNING'",
        timeout=600_000,
    )


def check_core_config(run: Run) -> None:
    """The dev instance is onboarded and keeps BE, EUR, Europe/Brussels, metric."""
    onboarding = run.page.request.get(f"{run.url}/api/onboarding")
    if onboarding.status != HTTPStatus.NOT_FOUND:  # removed once onboarded
        raise E2EError(f"onboarding not done: {onboarding.text()}")
    config = run.hass(
        "{country: hass.config.country, currency: hass.config.currency,"
        " time_zone: hass.config.time_zone,"
        " length: hass.config.unit_system.length}"
    )
    wanted = {
        "country": "BE",
        "currency": "EUR",
        "time_zone": "Europe/Brussels",
        "length": "km",
    }
    if config != wanted:
        raise E2EError(f"core configuration {config}, wanted {wanted}")
    run.goto("/config/general")
    for text in ("Brussels", "Euro (€)", "Belgium", "Metric"):
        expect(run.page.get_by_text(text).first).to_be_visible()


def check_device_pages(run: Run, entry_id: str, label: str) -> None:
    """Open every device of an entry and check what its page shows."""
    devices = [
        d
        for d in run.ws({"type": "config/device_registry/list"})
        if entry_id in d["config_entries"]
    ]
    if not devices:
        raise E2EError(f"{label}: no device")
    entities = run.ws({"type": "config/entity_registry/list"})
    for device in devices:
        title = device["name_by_user"] or device["name"]
        mine = [
            e["entity_id"]
            for e in entities
            if e["device_id"] == device["id"]
            and not e["disabled_by"]
            and not e["hidden_by"]
        ]
        may_be_unknown = {
            e["entity_id"]
            for e in entities
            if any(str(e["unique_id"]).endswith(f"_{key}") for key in NO_VALUE_YET)
        }
        with run.step(f"device page {title}"):
            states = _wait_for_values(run, [e for e in mine if e not in may_be_unknown])
            states |= _wait_for_values(run, sorted(may_be_unknown & set(mine)), 0)
            run.goto(f"/config/devices/device/{device['id']}")
            expect(run.page.get_by_text(title, exact=True).first).to_be_visible()
            run.page.wait_for_function(
                "(n) => __e2e.rows().length >= n", arg=len(mine), timeout=20_000
            )
            rows = dict(run.page.evaluate("() => __e2e.rows()"))
            problems = [
                problem
                for entity_id in mine
                if (
                    problem := _row_problem(
                        entity_id, rows, states, title, entity_id in may_be_unknown
                    )
                )
            ]
            if problems:
                raise E2EError(f"device page {title}: " + "; ".join(problems))


def _wait_for_values(
    run: Run, entity_ids: list[str], wait: float = VALUE_WAIT_S
) -> dict[str, Any]:
    """Wait until the entities have values; return their states."""
    deadline = time.monotonic() + wait
    while True:
        states: dict[str, Any] = run.page.evaluate(
            "(ids) => Object.fromEntries(ids.map((id) => [id,"
            " document.querySelector('home-assistant').hass.states[id] || null]))",
            entity_ids,
        )
        waiting = [
            i
            for i, s in states.items()
            if s is None or s["state"] in {"unknown", "unavailable"}
        ]
        if not waiting or time.monotonic() > deadline:
            return states
        time.sleep(1)


def _row_problem(  # noqa: PLR0911 (a return per thing a row can get wrong)
    entity_id: str,
    rows: dict[str, str],
    states: dict[str, Any],
    title: str,
    may_be_unknown: bool,  # noqa: FBT001
) -> str | None:
    """Return what is wrong with an entity's row on its device page, if anything."""
    state = states.get(entity_id)
    if state is None:
        return f"{entity_id} has no state"
    text = rows.get(entity_id)
    if text is None:
        return f"{entity_id} is not shown"
    if state["state"] == "unknown" and may_be_unknown:
        return None
    if state["state"] in {"unknown", "unavailable"}:
        return f"{entity_id} is {state['state']}"
    attributes = state["attributes"]
    name = str(attributes.get("friendly_name", ""))
    name = name.removeprefix(title).strip() or name
    if name.lower() not in text.lower():
        return f"{entity_id}: name {name!r} not in {text!r}"
    if re.search(r"\b(Unknown|Unavailable)\b", text):
        return f"{entity_id} shows {text!r}"
    unit = attributes.get("unit_of_measurement")
    if attributes.get("device_class") == "monetary":
        unit = _CURRENCY_SYMBOLS.get(unit, unit)  # shown as €0.53
    if unit and (unit not in text or not re.search(r"\d", text)):
        return f"{entity_id}: no number with {unit} in {text!r}"
    return None


def configure_energy(run: Run) -> None:
    """Save the Energy dashboard's sources, validate them, open /energy."""
    entities = run.ws({"type": "config/entity_registry/list"})
    by_key: dict[tuple[str, str], str] = {}
    for entity in entities:
        if entity["platform"] == "energy_monitor" and entity["config_entry_id"]:
            for key in (
                "grid_elec_import",
                "grid_elec_export",
                "grid_gas_import",
                "pv_elec_prod",
                "demand_month_peak",
                "cost_import_month",
                "revenue_export_month",
                "cost_gas_month",
            ):
                if entity["unique_id"].endswith(f"_{key}"):
                    by_key.setdefault(
                        (entity["config_entry_id"], key), entity["entity_id"]
                    )
    p1 = run.entries.get("p1", [])
    grid = next((e for e in p1 if (e, "demand_month_peak") in by_key), None) or next(
        iter(p1), None
    )
    site = next(iter(run.entries.get("site", [])), None)
    if grid is None or site is None:
        raise E2EError("the Energy dashboard needs a P1 meter and a site")

    def need(entry: str, key: str) -> str:
        if (entry, key) not in by_key:
            raise E2EError(f"no {key} entity")
        return by_key[entry, key]

    solar = [
        entity_id
        for (entry, key), entity_id in by_key.items()
        if key == "pv_elec_prod" and entry in run.entries.get("fronius", [])
    ]
    sources: list[dict[str, Any]] = [
        {
            "type": "grid",
            "stat_energy_from": need(grid, "grid_elec_import"),
            "stat_energy_to": need(grid, "grid_elec_export"),
            "stat_cost": need(site, "cost_import_month"),
            "entity_energy_price": None,
            "number_energy_price": None,
            "stat_compensation": need(site, "revenue_export_month"),
            "entity_energy_price_export": None,
            "number_energy_price_export": None,
            "cost_adjustment_day": 0,
        },
        *(
            {
                "type": "solar",
                "stat_energy_from": pv,
                "config_entry_solar_forecast": None,
            }
            for pv in solar
        ),
        {
            "type": "gas",
            "stat_energy_from": need(grid, "grid_gas_import"),
            "stat_cost": need(site, "cost_gas_month"),
            "entity_energy_price": None,
            "number_energy_price": None,
        },
    ]
    with run.step("energy dashboard: save_prefs and validate"):
        run.ws(
            {
                "type": "energy/save_prefs",
                "energy_sources": sources,
                "device_consumption": [],
            }
        )
        _import_history(run, sources)
        result = run.ws({"type": "energy/validate"})
        issues = [
            issue
            for group in result["energy_sources"] + result["device_consumption"]
            for issue in group
        ]
        if issues:
            raise E2EError(f"energy/validate: {issues}")
        run.goto("/config/energy")
        for entity_id in (sources[0]["stat_energy_from"], *solar):
            name = run.hass(f"hass.states['{entity_id}'].attributes.friendly_name")
            expect(run.page.get_by_text(str(name)).first).to_be_visible()
    with run.step("energy dashboard /energy"):
        run.goto("/energy")
        for text in ("Grid", "Solar", "Gas", "Grid total", "Solar total"):
            expect(run.page.get_by_text(text, exact=True).first).to_be_visible()
        # The imported hours show in the totals: energy, volume and costs.
        number = r"\s+(0[.,]\d*[1-9]\d*|[1-9][\d.,]*)\s*"
        for row in (
            rf"^Solar total{number}kWh",
            rf"^Gas total{number}m³\s+€",
            r"^Total costs\s+€\s*(0[.,]\d*[1-9]|[1-9])",
        ):
            expect(
                run.page.get_by_role("row", name=re.compile(row)).first
            ).to_be_visible(timeout=30_000)
        run.page.wait_for_timeout(1000)


HISTORY_PER_HOUR = {"kWh": 0.8, "m³": 0.15, "EUR": 0.25}
"""What each imported hour adds to a statistic, by unit."""


def _import_history(run: Run, sources: list[dict[str, Any]]) -> None:
    """Give the dashboard's statistics the last hours of today.

    A fresh instance has no hourly statistics until the next full hour, so
    the dashboard would show nothing; ``recorder/import_statistics`` (the
    recorder's own API) fills up to three past hours of today.
    """
    now = datetime.now(ZoneInfo("Europe/Brussels"))
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    hours = [
        midnight + timedelta(hours=h) for h in range(max(0, now.hour - 3), now.hour)
    ]
    stat_ids = {
        value
        for source in sources
        for key, value in source.items()
        if key.startswith("stat_") and isinstance(value, str)
    }
    for stat_id in sorted(stat_ids):
        unit = str(run.hass(f"hass.states['{stat_id}'].attributes.unit_of_measurement"))
        step = HISTORY_PER_HOUR.get(unit, 1.0)
        run.ws(
            {
                "type": "recorder/import_statistics",
                "metadata": {
                    "has_sum": True,
                    "name": None,
                    "source": "recorder",
                    "statistic_id": stat_id,
                    "unit_of_measurement": unit,
                },
                "stats": [
                    {"start": hour.isoformat(), "state": step * n, "sum": step * n}
                    for n, hour in enumerate(hours, start=1)
                ],
            }
        )
    # The recorder imports in its own thread: wait until it has them all.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        known = run.ws({"type": "recorder/list_statistic_ids", "statistic_type": "sum"})
        if stat_ids <= {item["statistic_id"] for item in known}:
            return
        time.sleep(0.5)
    raise E2EError(f"statistics not imported: {sorted(stat_ids)}")


def run(url: str, artifacts: Path, chromium: str, *, only: frozenset[str]) -> None:
    """Run the whole browser test against the Home Assistant at ``url``.

    Raises:
        E2EError: on anything a user would see go wrong.
    """
    artifacts.mkdir(parents=True, exist_ok=True)
    _wait_for_home_assistant(url)
    started = time.monotonic()
    with (
        sync_playwright() as playwright,
        tempfile.TemporaryDirectory(prefix="e2e-chromium-") as profile,
    ):
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=chromium,
            args=list(CHROMIUM_FLAGS),
            headless=True,
            viewport={"width": 1280, "height": 900},
            locale="en-GB",
        )
        context.set_default_timeout(20_000)
        context.add_init_script(_HELPERS)
        page = context.new_page()
        session = Run(page=page, url=url, artifacts=artifacts)
        try:
            with session.step("log in as dev"):
                login(session)
            with session.step("onboarded: BE, EUR, Europe/Brussels, metric"):
                check_core_config(session)
            wizard = Wizard(session)
            errors_done: set[str] = set()
            for walk in walks(only):
                with session.step(f"wizard {walk.source}: {walk.device.name}"):
                    entry = wizard.walk(walk, with_error=walk.source not in errors_done)
                errors_done.add(walk.source)
                session.entries.setdefault(walk.source, []).append(entry)
                check_device_pages(session, entry, walk.device.name)
            if not only:
                configure_energy(session)
        except E2EError:
            raise
        except Exception as err:
            raise E2EError(f"{type(err).__name__}: {err}") from err
        finally:
            context.close()
            print(  # noqa: T201
                f"e2e: {len(session.steps)} steps passed in "
                f"{time.monotonic() - started:.0f} s; screenshots in {artifacts}"
            )


def _wait_for_home_assistant(url: str, timeout: float = 600.0) -> None:
    """Wait until Home Assistant serves its frontend and has started."""
    import urllib.error  # noqa: PLC0415
    import urllib.request  # noqa: PLC0415

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/manifest.json", timeout=5) as reply:  # noqa: S310
                if reply.status == 200:  # noqa: PLR2004
                    return
        except urllib.error.URLError, OSError:
            pass
        time.sleep(2)
    raise E2EError(f"Home Assistant did not answer at {url} in {timeout:.0f} s")
