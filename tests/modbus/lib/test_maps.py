"""Register maps: schema, bundled maps, custom CSV maps, validator, batching."""

from pathlib import Path

import pytest

from custom_components.energy_monitor.lib.modbus.batching import (
    MAX_COUNT,
    plan_reads,
    split_block,
)
from custom_components.energy_monitor.lib.modbus.catalog import (
    bundled_models,
    custom_map_files,
    is_custom,
    load_bundled_map,
    load_custom_map,
    load_map,
    resolve_model,
)
from custom_components.energy_monitor.lib.modbus.registers import (
    ByteOrder,
    DataType,
    WordOrder,
)
from custom_components.energy_monitor.lib.modbus.schema import (
    KEY_UNITS,
    MapError,
    MapProblem,
    Register,
    RegisterMap,
    RegisterType,
    ScanGroup,
    StateClass,
    parse_csv,
    parse_map,
    parse_register,
)
from custom_components.energy_monitor.lib.modbus.validate import validate_map
from custom_components.energy_monitor.lib.vocabulary import Key

SEEDS = Path(__file__).parents[2] / "fixtures" / "lotus_leaf"
SEED_HEADER = (
    "Metric Name,Metric Description,Metric Address,Metric Size,Scaling Factor,Data Type"
)
EATON_SEED = f"""{SEED_HEADER}
Voltage_AN,1s Phase A-N Voltage,4630,2,1,FLOAT32
pf_A,1s Phase A Power Factor,4690,2,1,FLOAT32
pf_B,1s Phase B Power Factor,4690,2,1,FLOAT32
pf_C,1s Phase C Power Factor,4690,2,1,FLOAT32
Angle_V_AN,1s Phase A-N Voltage Angle,11459,2,1,FLOAT32
Angle_V_BN,1s Phase B-N Voltage Angle,11461,2,1,FLOAT32
Angle_V_CN,1s Phase C-N Voltage Angle,11461,2,1,FLOAT32
"""


def _codes(problems: list[MapProblem]) -> list[str]:
    """Return the codes of problems."""
    return [problem.code for problem in problems]


@pytest.mark.parametrize("model", bundled_models())
def test_bundled_maps_are_valid(model: str) -> None:
    """Every bundled map loads without a single problem and cites its source."""
    register_map = load_bundled_map(model)
    assert validate_map(register_map) == []
    assert register_map.model == model
    assert register_map.source
    assert register_map.manufacturer
    assert register_map.product
    for register in register_map.registers:
        if register.device_class in {"energy", "reactive_energy"}:
            assert register.state_class is StateClass.TOTAL_INCREASING
            assert register.scan_group is ScanGroup.SLOW
        if register.key in KEY_UNITS:
            assert register.unit == KEY_UNITS[register.key]


def test_bundled_models() -> None:
    """The issue's meters are all bundled."""
    assert bundled_models() == (
        "carlo_gavazzi_em24",
        "carlo_gavazzi_em340",
        "eastron_sdm120",
        "eastron_sdm630",
        "eastron_sdm72",
        "eaton_pxm4000",
        "eig_nexus1272",
        "sunspec_203",
    )


def test_keys_are_not_suffixes_of_each_other() -> None:
    """Entities are found by unique-ID suffix: no key may end another."""
    keys = {str(key) for key in Key}
    for model in bundled_models():
        keys |= {register.key for register in load_bundled_map(model).registers}
    clashes = [(a, b) for a in keys for b in keys if a != b and a.endswith(f"_{b}")]
    assert clashes == []


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("eastron_sdm630", "eastron_sdm630"),
        ("Eastron SDM630", "eastron_sdm630"),
        ("SDM630", "eastron_sdm630"),
        ("eastron-sdm72", "eastron_sdm72"),
        ("sdm72d-m", "eastron_sdm72"),
        ("EM24", "carlo_gavazzi_em24"),
        ("Carlo Gavazzi EM340", "carlo_gavazzi_em340"),
        ("SunSpec", "sunspec_203"),
        ("sunspec_model_203", "sunspec_203"),
        ("Nexus 1272", "eig_nexus1272"),
        ("PXM4000", "eaton_pxm4000"),
        ("sdm120", "eastron_sdm120"),
        ("abb_b23", None),
    ],
)
def test_resolve_model(name: str, model: str | None) -> None:
    """Case and spelling variants of a meter model are accepted."""
    assert resolve_model(name) == model


def test_load_map(tmp_path: Path) -> None:
    """An entry's meter_model is a bundled model or a custom CSV file name."""
    assert load_map("SDM630").model == "eastron_sdm630"
    with pytest.raises(MapError, match="no bundled map"):
        load_map("nothing")
    (tmp_path / "mine.csv").write_text(f"{SEED_HEADER}\nW,Power,0,2,1,FLOAT32\n")
    (tmp_path / "notes.txt").write_text("not a map")
    assert is_custom("mine.csv")
    assert not is_custom("eastron_sdm630")
    assert custom_map_files(tmp_path) == ["mine.csv"]
    assert custom_map_files(tmp_path / "missing") == []
    custom = load_map("mine.csv", tmp_path)
    assert custom.model == "mine.csv"
    assert custom.registers[0].key == "w"


def test_seed_maps() -> None:
    """The lotus-leaf seed: Nexus loads as it is; Eaton's defects are caught."""
    nexus = load_custom_map(SEEDS / "nexus-metrics.csv")
    assert len(nexus.registers) == 21
    voltage = nexus.register("voltage_an")
    assert voltage.data_type is DataType.INT32
    assert voltage.register_type is RegisterType.HOLDING
    assert voltage.scale == 1.52587890625e-05
    with pytest.raises(MapError) as caught:
        load_custom_map(SEEDS / "eaton-metrics.csv")
    problems = caught.value.problems
    assert _codes(problems) == ["duplicate_address"] * 3
    assert {problem.key for problem in problems} == {"pf_b", "pf_c", "angle_v_cn"}
    assert "4690" in str(caught.value)
    assert "11461" in str(caught.value)


def test_seed_defects_inline() -> None:
    """The same check on the defect rows alone."""
    register_map, problems = parse_csv(EATON_SEED, "eaton.csv")
    assert problems == []
    assert _codes(validate_map(register_map)) == ["duplicate_address"] * 3


def test_csv_optional_columns() -> None:
    """Schema columns map to vocabulary keys, orders, classes and groups."""
    text = (
        "metric_name,Metric Address,Data Type,Key,Register Type,Word Order,"
        "Byte Order,Scaling Factor,Offset,Unit,Device Class,State Class,Scan Group,"
        "Precision,Enabled,Invalid\n"
        "Import,0x10,UINT32,grid_elec_import,input,little,little,0.001,0,kWh,"
        "energy,total_increasing,slow,2,no,\n"
        "Temp,20,INT16,,,,,0.1,-40,°C,,,,,,-32768\n"
        ",,,,,,,,,,,,,,,\n"
        "\n"
    )
    register_map, problems = parse_csv(text, "custom.csv")
    assert problems == []
    counter, temperature = register_map.registers
    assert counter.key == "grid_elec_import"
    assert counter.address == 16
    assert counter.register_type is RegisterType.INPUT
    assert (counter.word_order, counter.byte_order) == (
        WordOrder.LITTLE,
        ByteOrder.LITTLE,
    )
    assert counter.is_counter
    assert counter.precision == 2
    assert not counter.enabled
    assert temperature.key == "temp"
    assert temperature.device_class == "temperature"
    assert temperature.state_class is StateClass.MEASUREMENT
    assert temperature.invalid == -32768
    assert temperature.offset == -40


@pytest.mark.parametrize(
    ("row", "code"),
    [
        ("X,1,FLOAT16", "unknown_data_type"),
        ("X,1,FLOAT32,3", "size_mismatch"),
        ("X,1,STRING", "size_mismatch"),
        ("X,1,STRING,200", "size_mismatch"),
        ("X,1,INT16,,0", "bad_scale"),
        ("X,one,INT16", "bad_number"),
        ("X,1.5,INT16", "bad_number"),
        ("X,70000,INT16", "bad_address"),
        ("X,1,INT16,,,coil", "unknown_register_type"),
        ("X,1,INT32,,,,middle", "unknown_word_order"),
        ("X,1,INT32,,,,,middle", "unknown_byte_order"),
        ("X,1,INT16,,,,,,,,sometimes", "unknown_state_class"),
        ("X,1,INT16,,,,,,kWh,,measurement", "energy_not_total_increasing"),
        ("X,1,INT16,,,,,,,radiation", "unknown_device_class"),
        ("X,1,INT16,,,,,,,,,often", "unknown_scan_group"),
        ("!!!,1,INT16", "bad_key"),
    ],
)
def test_row_problems(row: str, code: str) -> None:
    """A bad row is left out and explained."""
    header = (
        "Metric Name,Metric Address,Data Type,Metric Size,Scaling Factor,"
        "Register Type,Word Order,Byte Order,Unit,Device Class,State Class,Scan Group"
    )
    register_map, problems = parse_csv(f"{header}\n{row}\n", "bad.csv")
    if code == "energy_not_total_increasing":
        # A valid row: that an energy counter is not total_increasing is the
        # validator's finding.
        assert problems == []
        assert _codes(validate_map(register_map)) == ["energy_not_total_increasing"]
        return
    assert register_map.registers == ()
    assert _codes(problems) == [code]
    assert str(problems[0])


def test_csv_header_problems() -> None:
    """Unknown and missing columns are reported; an empty map too."""
    _map, problems = parse_csv("Metric Name,Colour\nX,red\n", "bad.csv")
    assert _codes(problems) == ["unknown_column", "missing_column"]
    _map, problems = parse_csv(f"{SEED_HEADER}\n", "empty.csv")
    assert _codes(problems) == ["no_registers"]


def test_json_problems() -> None:
    """Unknown map fields and a map without registers are reported."""
    _map, problems = parse_map({"model": "x", "colour": "red"}, "x")
    assert _codes(problems) == ["unknown_field", "no_registers"]
    register_map, problems = parse_map(
        {"registers": [{"key": "a", "name": "A"}], "max_count": 10, "max_gap": 0}, "y"
    )
    assert _codes(problems) == ["missing_field"]
    _map, problems = parse_map({"registers": [{"key": "a", "address": True}]}, "z")
    assert _codes(problems) == ["bad_number"]
    assert (register_map.model, register_map.max_count, register_map.max_gap) == (
        "y",
        10,
        0,
    )


def _register(key: str, address: int, **fields: object) -> Register:
    """Return a register parsed from a record."""
    return parse_register({"key": key, "address": address, **fields}, {})


def test_validator_findings() -> None:
    """Duplicates, overlaps, energy classes, units and scale registers."""
    register_map = RegisterMap(
        model="m",
        max_count=1,
        registers=(
            _register("a", 0, data_type="INT32"),
            _register("b", 1),
            _register("a", 10),
            _register("grid_power", 20, unit="kW"),
            _register("c", 30, scale_register="missing"),
            _register("d", 31, scale_register="e"),
            _register("e", 32, data_type="FLOAT32"),
            _register("f", 40, unit="kWh", state_class="total"),
            _register("g", 0, register_type="input"),
        ),
    )
    assert sorted(_codes(validate_map(register_map))) == sorted(
        [
            "duplicate_key",
            "overlapping_addresses",
            "too_large",
            "too_large",
            "wrong_unit",
            "unknown_scale_register",
            "bad_scale_register",
            "energy_not_total_increasing",
        ]
    )


def test_inferred_metadata() -> None:
    """Vocabulary keys and units imply device class, state class and group."""
    power = _register("grid_power", 0, data_type="FLOAT32")
    assert (power.unit, power.device_class, power.state_class) == (
        "W",
        "power",
        StateClass.MEASUREMENT,
    )
    assert power.scan_group is ScanGroup.FAST
    energy = _register("grid_elec_import", 2, data_type="FLOAT32")
    assert (energy.unit, energy.device_class, energy.state_class) == (
        "kWh",
        "energy",
        StateClass.TOTAL_INCREASING,
    )
    assert energy.scan_group is ScanGroup.SLOW
    assert _register("power_factor_l1", 4).device_class == "power_factor"
    serial = _register("serial_number", 5, data_type="UINT32")
    assert (serial.state_class, serial.scan_group) == (None, ScanGroup.ONCE)
    assert _register("x", 7, unit="kvarh").device_class == "reactive_energy"
    assert _register("y", 8, device_class="Voltage", unit="V").device_class == "voltage"


def test_plan_reads() -> None:
    """Registers coalesce into few reads, never split, within the limits."""
    registers = [
        _register("a", 0, data_type="FLOAT32"),
        _register("b", 2, data_type="FLOAT32"),
        _register("c", 20, data_type="FLOAT32"),
        _register("d", 40, data_type="FLOAT32"),
        _register("e", 0, register_type="input"),
        _register("f", 123, data_type="FLOAT32"),
    ]
    blocks = plan_reads(registers, max_count=MAX_COUNT, max_gap=16)
    assert [(b.register_type, b.address, b.count) for b in blocks] == [
        (RegisterType.HOLDING, 0, 22),
        (RegisterType.HOLDING, 40, 2),
        (RegisterType.HOLDING, 123, 2),
        (RegisterType.INPUT, 0, 1),
    ]
    merged = plan_reads(registers, max_gap=100)
    assert [(b.address, b.count) for b in merged] == [(0, 125), (0, 1)]
    tight = plan_reads(registers, max_count=3, max_gap=100)
    assert [(b.address, b.count) for b in tight][:2] == [(0, 2), (2, 2)]
    words = list(range(22))
    assert blocks[0].words(words, registers[2]) == [20, 21]
    runs = split_block(blocks[0])  # gap-free runs first, then one per value
    assert [(b.address, b.count) for b in runs] == [(0, 4), (20, 2)]
    assert [(b.address, b.count) for b in split_block(runs[0])] == [(0, 2), (2, 2)]
    for limits in ({"max_count": 0}, {"max_count": 126}, {"max_gap": -1}):
        with pytest.raises(ValueError, match="must"):
            plan_reads(registers, **limits)
    with pytest.raises(ValueError, match="more than one read"):
        plan_reads([_register("s", 0, data_type="STRING", count=8)], max_count=4)
    assert plan_reads([]) == []
