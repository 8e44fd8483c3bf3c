"""The MCP3008 and MCP3208: how one single-ended conversion is framed.

Both chips take a start bit, SGL/DIFF and the channel's three bits D2 D1 D0
on DIN, sample for 1.5 clocks, answer a null bit and then the result MSB
first on DOUT (Microchip DS21295 §6.1 and DS21298 §6.1, "Using the
MCP3008/MCP3208 with microcontroller SPI ports"). Framed in three bytes:

* MCP3008 (10 bit): ``0000 0001 | S D2 D1 D0 xxxx | xxxx xxxx``; the answer
  is ``???? ???? | ???? ?0 B9 B8 | B7 .. B0``.
* MCP3208 (12 bit): ``0000 01 S D2 | D1 D0 xx xxxx | xxxx xxxx``; the answer
  is ``???? ???? | ???0 B11 B10 B9 B8 | B7 .. B0``.

(``?``: DOUT is high impedance, any value.)
"""

from dataclasses import dataclass
from enum import StrEnum


class ChipModel(StrEnum):
    """The chips (the stored ``chip`` value)."""

    MCP3008 = "mcp3008"
    MCP3208 = "mcp3208"


CHANNELS = 8
"""Single-ended inputs of either chip."""


@dataclass(frozen=True, slots=True)
class Chip:
    """One chip's resolution and framing."""

    model: ChipModel
    bits: int
    speed_hz: int
    """SPI clock: within the datasheet's limit at 2.7 V (1.35 MHz / 1 MHz)."""

    @property
    def full_scale(self) -> int:
        """Return the largest code (all ones)."""
        return (1 << self.bits) - 1

    def frame(self, channel: int) -> bytes:
        """Return the three bytes that convert single-ended ``channel``.

        Raises:
            ValueError: for a channel the chip does not have.
        """
        if not 0 <= channel < CHANNELS:
            raise ValueError(f"channel {channel} is not 0-7")
        if self.model is ChipModel.MCP3008:
            return bytes((0x01, 0x80 | channel << 4, 0x00))
        return bytes((0x06 | channel >> 2, (channel & 0x03) << 6, 0x00))

    def decode_all(self, answer: bytes) -> list[int]:
        """Return the codes of consecutive three-byte answers."""
        mask = self.full_scale >> 8
        high = answer[1::3]
        low = answer[2::3]
        return [((h & mask) << 8) | lo for h, lo in zip(high, low, strict=True)]


CHIPS: dict[ChipModel, Chip] = {
    ChipModel.MCP3008: Chip(ChipModel.MCP3008, 10, 1_000_000),
    ChipModel.MCP3208: Chip(ChipModel.MCP3208, 12, 1_000_000),
}
"""Every supported chip by model."""

FRAME_BITS = 24
"""Clocks of one conversion (three bytes)."""
