"""Turn the raw bytes of a P1 port into parsed telegrams and rejections."""

from .decrypt import DecryptionError, EncryptedFramer, decrypt_frame
from .framing import Frame, Rejection, TelegramFramer
from .model import MeterVariant, P1Telegram, RejectReason
from .telegram import TelegramError, parse_telegram


class P1StreamDecoder:
    """Decode a P1 byte stream, plain or encrypted.

    Without an encryption key the stream is read as plain telegrams. Until the
    first plain telegram arrives the bytes are also checked for encrypted
    frames, so a meter that needs a key is recognised (and reported with
    :attr:`RejectReason.ENCRYPTED`) instead of looking silent.
    """

    __slots__ = ("_auth_key", "_encrypted", "_framer", "_key", "_probe", "_variant")

    def __init__(
        self,
        *,
        variant: MeterVariant | None = None,
        encryption_key: bytes | None = None,
        authentication_key: bytes | None = None,
    ) -> None:
        """Create a decoder.

        Args:
            variant: the DSMR variant the user chose, or ``None`` to detect it
                from every telegram. It decides whether a CRC is mandatory.
            encryption_key: the meter's AES key, for encrypted P1 ports.
            authentication_key: the key that verifies encrypted frames.
        """
        self._variant = variant
        self._key = encryption_key
        self._auth_key = authentication_key
        self._framer = TelegramFramer()
        self._encrypted = EncryptedFramer() if encryption_key else None
        self._probe: EncryptedFramer | None = (
            None if encryption_key else EncryptedFramer()
        )

    @property
    def awaiting_checksum(self) -> bool:
        """Tell whether a telegram waits for the end of its CRC line."""
        return self._framer.awaiting_checksum

    def feed(self, data: bytes) -> list[P1Telegram | Rejection]:
        """Decode bytes from the line into telegrams and rejections."""
        if self._encrypted is not None and self._key is not None:
            items: list[Frame | Rejection] = []
            for frame in self._encrypted.feed(data):
                try:
                    plain = decrypt_frame(frame, self._key, self._auth_key)
                except DecryptionError as err:
                    items.append(Rejection(RejectReason.DECRYPTION_FAILED, str(err)))
                    continue
                items.extend(self._framer.feed(plain))
            return self._finish(items)
        items = self._framer.feed(data)
        if self._probe is not None:
            if any(isinstance(item, Frame) for item in items):
                self._probe = None
            elif self._probe.feed(data):
                items.append(
                    Rejection(
                        RejectReason.ENCRYPTED,
                        "the meter sends encrypted telegrams: its key is needed",
                    )
                )
        return self._finish(items)

    def flush(self) -> list[P1Telegram | Rejection]:
        """Complete a telegram whose CRC line never ended."""
        return self._finish(self._framer.flush())

    def _finish(self, items: list[Frame | Rejection]) -> list[P1Telegram | Rejection]:
        """Parse the frames among ``items``."""
        return [
            self._parse(item) if isinstance(item, Frame) else item for item in items
        ]

    def _parse(self, frame: Frame) -> P1Telegram | Rejection:
        """Parse one frame and apply the CRC policy of its variant."""
        try:
            telegram = parse_telegram(frame.text)
        except TelegramError as err:
            return Rejection(RejectReason.MALFORMED, str(err))
        variant = self._variant or telegram.variant
        if variant.requires_crc and not frame.has_crc:
            return Rejection(
                RejectReason.MISSING_CRC,
                f"DSMR {variant} telegrams end in a CRC; this one has none",
            )
        return telegram
