"""Linux spidev in pure Python: ``fcntl.ioctl`` with ``SPI_IOC_MESSAGE``.

The kernel's ``struct spi_ioc_transfer`` (``linux/spi/spidev.h``) is built
with ctypes; one ioctl carries up to :data:`MAX_BATCH` transfers, each one
conversion, so the kernel clocks them back to back with ``delay_usecs``
between them: the samples are spaced regularly, which Python calling once per
sample cannot do. Nothing here needs a compiler, so it installs wherever
Home Assistant runs (``spidev`` has no wheel for HA OS's musl images).

The operating system is reached only through :class:`SpiIo` (list, open,
ioctl, close, clock): :data:`OS_IO` is the real one; tests and the
development instance use a simulated chip behind the same calls.
"""

from collections.abc import Sequence
import ctypes
from dataclasses import dataclass
import fcntl
import os
from pathlib import Path
import threading
import time
from typing import Protocol

_IOC_WRITE = 1
_IOC_NRSHIFT = 0
_IOC_TYPESHIFT = 8
_IOC_SIZESHIFT = 16
_IOC_DIRSHIFT = 30
_IOC_SIZEBITS = 14
SPI_IOC_MAGIC = ord("k")


def _iow(number: int, size: int) -> int:
    """Return the request number of ``_IOW('k', number, size)``."""
    return (
        (_IOC_WRITE << _IOC_DIRSHIFT)
        | (size << _IOC_SIZESHIFT)
        | (SPI_IOC_MAGIC << _IOC_TYPESHIFT)
        | (number << _IOC_NRSHIFT)
    )


class SpiIocTransfer(ctypes.Structure):
    """``struct spi_ioc_transfer``: one transfer of a message (32 bytes)."""

    _fields_ = (
        ("tx_buf", ctypes.c_uint64),
        ("rx_buf", ctypes.c_uint64),
        ("len", ctypes.c_uint32),
        ("speed_hz", ctypes.c_uint32),
        ("delay_usecs", ctypes.c_uint16),
        ("bits_per_word", ctypes.c_uint8),
        ("cs_change", ctypes.c_uint8),
        ("tx_nbits", ctypes.c_uint8),
        ("rx_nbits", ctypes.c_uint8),
        ("word_delay_usecs", ctypes.c_uint8),
        ("pad", ctypes.c_uint8),
    )


TRANSFER_SIZE = ctypes.sizeof(SpiIocTransfer)
MAX_BATCH = ((1 << _IOC_SIZEBITS) - 1) // TRANSFER_SIZE
"""Most transfers one ``SPI_IOC_MESSAGE`` can carry (its size has 14 bits)."""
SPIDEV_BUFSIZ = 4096
"""spidev's default limit of the bytes of one message (module parameter)."""

SPI_IOC_WR_MODE = _iow(1, 1)
SPI_IOC_WR_BITS_PER_WORD = _iow(3, 1)
SPI_IOC_WR_MAX_SPEED_HZ = _iow(4, 4)


def spi_ioc_message(count: int) -> int:
    """Return ``SPI_IOC_MESSAGE(count)``: the request of ``count`` transfers.

    Raises:
        ValueError: when ``count`` transfers do not fit one request.
    """
    if not 1 <= count <= MAX_BATCH:
        raise ValueError(f"{count} transfers do not fit one SPI_IOC_MESSAGE")
    return _iow(0, count * TRANSFER_SIZE)


def message_count(request: int) -> int | None:
    """Return how many transfers an ``SPI_IOC_MESSAGE`` request carries.

    ``None`` when ``request`` is not an ``SPI_IOC_MESSAGE``.
    """
    size = (request >> _IOC_SIZESHIFT) & ((1 << _IOC_SIZEBITS) - 1)
    if request != _iow(0, size) or size == 0 or size % TRANSFER_SIZE:
        return None
    return size // TRANSFER_SIZE


class SpiIo(Protocol):
    """The operating system calls the SPI driver makes."""

    def devices(self) -> list[str]:
        """Return the paths of the spidev nodes there are."""

    def open(self, path: str) -> int:
        """Open a spidev node read/write; return its file descriptor."""

    def ioctl(self, fd: int, request: int, arg: ctypes.Array[SpiIocTransfer]) -> None:
        """Run one ioctl on ``fd`` (``arg`` is read and written in place)."""

    def close(self, fd: int) -> None:
        """Close a file descriptor."""

    def clock(self) -> float:
        """Return seconds on a monotonic clock (timing of the transfers)."""


class _OsIo:
    """The real spidev nodes of this machine."""

    def devices(self) -> list[str]:
        return sorted(str(path) for path in Path("/dev").glob("spidev*"))

    def open(self, path: str) -> int:
        return os.open(path, os.O_RDWR)

    def ioctl(self, fd: int, request: int, arg: ctypes.Array[SpiIocTransfer]) -> None:
        fcntl.ioctl(fd, request, arg)

    def close(self, fd: int) -> None:
        os.close(fd)

    def clock(self) -> float:
        return time.perf_counter()


OS_IO: SpiIo = _OsIo()
"""The machine's spidev nodes."""


def spidev_path(bus: int, device: int) -> str:
    """Return the node of chip select ``device`` on SPI ``bus``."""
    return f"/dev/spidev{bus}.{device}"


@dataclass(frozen=True, slots=True)
class Batch:
    """Prepared transfers of equal frames: one ioctl per :meth:`SpiDevice.run`."""

    tx: ctypes.Array[ctypes.c_ubyte]
    rx: ctypes.Array[ctypes.c_ubyte]
    transfers: ctypes.Array[SpiIocTransfer]
    request: int


class SpiDevice:
    """One spidev node, opened for mode 0 at ``speed_hz``.

    Calls are serialised (a lock), so a calibration and a report never
    interleave their transfers.
    """

    def __init__(self, io: SpiIo, path: str, speed_hz: int) -> None:
        """Open ``path`` and set mode 0, 8-bit words and the clock.

        Raises:
            OSError: the node is missing (``FileNotFoundError``), not
                accessible (``PermissionError``) or refuses the settings.
        """
        self.io = io
        self.speed_hz = speed_hz
        self.lock = threading.Lock()
        self._fd = io.open(path)
        try:
            for request, value in (
                (SPI_IOC_WR_MODE, ctypes.c_uint8(0)),
                (SPI_IOC_WR_BITS_PER_WORD, ctypes.c_uint8(8)),
                (SPI_IOC_WR_MAX_SPEED_HZ, ctypes.c_uint32(speed_hz)),
            ):
                io.ioctl(self._fd, request, value)  # type: ignore[arg-type]
        except OSError:
            io.close(self._fd)
            raise

    def close(self) -> None:
        """Close the node."""
        self.io.close(self._fd)

    def prepare(self, frames: Sequence[bytes], delay_us: int) -> Batch:
        """Prepare one transfer per frame (all of one length), ``delay_us`` apart.

        Raises:
            ValueError: when the frames do not fit one ioctl.
        """
        frame = len(frames[0])
        count = len(frames)
        if count * frame > SPIDEV_BUFSIZ:
            raise ValueError(f"{count} frames exceed spidev's buffer")
        tx = (ctypes.c_ubyte * (count * frame)).from_buffer_copy(b"".join(frames))
        rx = (ctypes.c_ubyte * (count * frame))()
        transfers = (SpiIocTransfer * count)()
        tx_at = ctypes.addressof(tx)
        rx_at = ctypes.addressof(rx)
        for index, transfer in enumerate(transfers):
            transfer.tx_buf = tx_at + index * frame
            transfer.rx_buf = rx_at + index * frame
            transfer.len = frame
            transfer.speed_hz = self.speed_hz
            transfer.delay_usecs = delay_us
            transfer.bits_per_word = 8
            # Deselect between conversions (each starts with CS falling); the
            # last transfer's flag would keep CS active after the message.
            transfer.cs_change = int(index < count - 1)
        return Batch(tx, rx, transfers, spi_ioc_message(count))

    def run(self, batch: Batch) -> bytes:
        """Clock a prepared batch (one ioctl); return every byte received."""
        self.io.ioctl(self._fd, batch.request, batch.transfers)
        return bytes(batch.rx)
