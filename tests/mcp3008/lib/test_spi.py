"""The spidev ioctl interface and the chips' framing, bit-exact to the datasheets."""

import ctypes
import itertools

import pytest

from custom_components.energy_monitor.lib.mcp3008.chip import CHIPS, ChipModel
from custom_components.energy_monitor.lib.mcp3008.spi import (
    MAX_BATCH,
    OS_IO,
    SPI_IOC_WR_MAX_SPEED_HZ,
    SPI_IOC_WR_MODE,
    TRANSFER_SIZE,
    SpiDevice,
    message_count,
    spi_ioc_message,
)
from simulators.mcp3008 import FakeChip, FakeSpiIo

PATH = "/dev/spidev0.0"


def test_request_numbers_are_the_kernels() -> None:
    """The ioctl numbers equal linux/spi/spidev.h's (as C computes them)."""
    assert TRANSFER_SIZE == 32  # sizeof(struct spi_ioc_transfer)
    assert spi_ioc_message(1) == 0x40206B00
    assert spi_ioc_message(2) == 0x40406B00
    assert SPI_IOC_WR_MODE == 0x40016B01
    assert SPI_IOC_WR_MAX_SPEED_HZ == 0x40046B04
    assert message_count(spi_ioc_message(300)) == 300
    assert message_count(SPI_IOC_WR_MODE) is None
    with pytest.raises(ValueError, match="do not fit"):
        spi_ioc_message(MAX_BATCH + 1)


def test_mcp3008_frames_and_answers() -> None:
    """MCP3008: start bit alone in byte 0; SGL D2 D1 D0 lead byte 1; 10 bits back."""
    chip = CHIPS[ChipModel.MCP3008]
    assert chip.frame(0) == bytes([0x01, 0x80, 0x00])
    assert chip.frame(5) == bytes([0x01, 0xD0, 0x00])
    assert chip.frame(7) == bytes([0x01, 0xF0, 0x00])
    fake = FakeChip(ChipModel.MCP3008, 3.3, {5: lambda _t: 3.3 * 0x2A5 / 1024})
    answer = fake.answer(chip.frame(5), 0.0)
    # DOUT is high impedance (1) until the null bit, then B9..B0.
    assert answer == bytes([0xFF, 0b1111_1010, 0xA5])
    assert chip.decode_all(answer) == [0x2A5]
    with pytest.raises(ValueError, match="not 0-7"):
        chip.frame(8)


def test_mcp3208_frames_and_answers() -> None:
    """MCP3208: 00000 1 SGL D2 | D1 D0 ...; null bit then 12 bits back."""
    chip = CHIPS[ChipModel.MCP3208]
    assert chip.frame(0) == bytes([0x06, 0x00, 0x00])
    assert chip.frame(5) == bytes([0x07, 0x40, 0x00])
    assert chip.frame(7) == bytes([0x07, 0xC0, 0x00])
    fake = FakeChip(ChipModel.MCP3208, 3.3, {5: lambda _t: 3.3 * 0xABC / 4096})
    answer = fake.answer(chip.frame(5), 0.0)
    assert answer == bytes([0xFF, 0b1110_1010, 0xBC])
    assert chip.decode_all(answer) == [0xABC]
    # The MCP3008's framing on an MCP3208 reads another channel's bits.
    assert CHIPS[ChipModel.MCP3008].decode_all(answer) != [0xABC]


def test_more_clocks_give_the_lsb_first_copy() -> None:
    """Clocking on after B0 shifts the result out again, LSB first (Fig. 5-1)."""
    fake = FakeChip(ChipModel.MCP3008, 3.3, {0: lambda _t: 3.3 * 0b1000000011 / 1024})
    answer = fake.answer(bytes([0x01, 0x80, 0x00, 0x00, 0x00]), 0.0)
    bits = "".join(f"{byte:08b}" for byte in answer)
    assert bits[13:24] == "0" + "1000000011"
    assert bits[24:33] == "100000001"  # B1..B9
    assert bits[33:] == "0000000"


def test_a_batch_is_one_ioctl_spaced_by_the_delay() -> None:
    """One SPI_IOC_MESSAGE carries every conversion; the delay spaces them."""
    seen: list[float] = []
    io = FakeSpiIo({PATH: FakeChip(inputs={0: lambda t: seen.append(t) or 1.0})})
    device = SpiDevice(io, PATH, 1_000_000)
    frames = [CHIPS[ChipModel.MCP3008].frame(0)] * 100
    batch = device.prepare(frames, delay_us=101)
    before = io.ioctls
    answer = device.run(batch)
    assert io.ioctls == before + 1
    assert len(answer) == 300
    steps = {round((b - a) * 1e6, 6) for a, b in itertools.pairwise(seen)}
    assert steps == {125.0}  # 24 clocks at 1 MHz + 101 µs
    assert [t.cs_change for t in batch.transfers][-2:] == [1, 0]
    device.close()


def test_the_fake_refuses_what_the_kernel_refuses() -> None:
    """A wrong request, size or closed descriptor fails like the kernel does."""
    io = FakeSpiIo({PATH: FakeChip()}, denied=frozenset({"/dev/spidev0.1"}))
    with pytest.raises(PermissionError):
        SpiDevice(io, "/dev/spidev0.1", 1_000_000)
    with pytest.raises(FileNotFoundError):
        SpiDevice(io, "/dev/spidev1.0", 1_000_000)
    device = SpiDevice(io, PATH, 1_000_000)
    batch = device.prepare([bytes(3)] * 2, 0)
    with pytest.raises(OSError, match="Inappropriate"):
        io.ioctl(100, spi_ioc_message(3), batch.transfers)
    with pytest.raises(ValueError, match="exceed"):
        device.prepare([bytes(3)] * 2000, 0)
    with pytest.raises(OSError, match="mode"):
        io.ioctl(100, SPI_IOC_WR_MODE, ctypes.c_uint8(1))
    device.close()
    with pytest.raises(OSError, match="Bad file"):
        device.run(batch)


def test_the_real_os_path() -> None:
    """The machine's calls: no spidev here; /dev/null refuses SPI ioctls."""
    assert all(path.startswith("/dev/spidev") for path in OS_IO.devices())
    with pytest.raises(FileNotFoundError):
        SpiDevice(OS_IO, "/dev/spidev99.9", 1_000_000)
    with pytest.raises(OSError, match="Inappropriate ioctl"):
        SpiDevice(OS_IO, "/dev/null", 1_000_000)
    assert OS_IO.clock() <= OS_IO.clock()
