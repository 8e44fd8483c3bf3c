"""Decrypt DLMS general-global-cipher frames (Luxembourg Smarty, Austria, ...).

Encrypted P1 ports send binary frames: tag ``0xDB``, the system title, a
length, a security control byte, an invocation counter and the AES-GCM
encrypted telegram. Framing comes from ``dsmr_parser`` and APDU decoding from
``dlms_cosem`` (its dependency). With an authentication key the GCM tag is
verified; without one the payload is decrypted as plain AES-CTR (as ESPHome
and HA core do for meters whose authentication key is not published) and the
telegram's own CRC protects its integrity.
"""

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from dlms_cosem.exceptions import DecryptionError as DlmsDecryptionError
from dlms_cosem.protocol.xdlms import GeneralGlobalCipher
from dlms_cosem.security import decrypt as gcm_decrypt
from dsmr_parser.clients.telegram_buffer import EncryptedTelegramBuffer

from .framing import MAX_TELEGRAM_SIZE

KEY_LENGTH = 16
_GCM_TAG_LENGTH = 12
MAX_FRAME_SIZE = MAX_TELEGRAM_SIZE + 512
"""Longest encrypted frame accepted: a telegram plus the frame's overhead."""


class DecryptionError(Exception):
    """A frame could not be decrypted (wrong key or corrupt frame)."""


def parse_key(text: str) -> bytes:
    """Turn a 32-digit hex key into bytes.

    Raises:
        ValueError: when the text is not 32 hex digits.
    """
    key = bytes.fromhex(text.strip().replace(" ", ""))
    if len(key) != KEY_LENGTH:
        raise ValueError("a key has 32 hex digits")
    return key


def decrypt_frame(
    frame: bytes, encryption_key: bytes, authentication_key: bytes | None
) -> bytes:
    """Return the plaintext telegram carried by an encrypted frame.

    Raises:
        DecryptionError: when the frame is not readable with these keys.
    """
    try:
        apdu = GeneralGlobalCipher.from_bytes(frame)
    except (ValueError, IndexError) as err:
        raise DecryptionError(f"not a general-global-cipher frame: {err}") from err
    iv = apdu.system_title + apdu.invocation_counter.to_bytes(4, "big")
    if authentication_key is not None:
        try:
            plain: bytes = gcm_decrypt(
                apdu.security_control,
                apdu.system_title,
                apdu.invocation_counter,
                encryption_key,
                apdu.ciphered_text,
                authentication_key,
            )
        except (DlmsDecryptionError, InvalidTag, ValueError) as err:
            raise DecryptionError("authentication failed: wrong keys?") from err
    else:
        counter = iv + (2).to_bytes(4, "big")
        decryptor = Cipher(
            algorithms.AES(encryption_key), modes.CTR(counter)
        ).decryptor()
        ciphertext = apdu.ciphered_text[:-_GCM_TAG_LENGTH]
        plain = decryptor.update(ciphertext) + decryptor.finalize()
    if not plain.startswith(b"/"):
        raise DecryptionError("decrypted data is not a telegram: wrong key?")
    return plain


class EncryptedFramer:
    """Cut a byte stream into encrypted frames, holding at most one telegram.

    A frame carries a telegram of at most :data:`MAX_TELEGRAM_SIZE` bytes; a
    stream that completes no frame within :data:`MAX_FRAME_SIZE` bytes (noise
    that looks like a frame header with a huge length) is dropped.
    """

    __slots__ = ("_buffer", "_pending")

    def __init__(self) -> None:
        """Start with an empty buffer."""
        self._buffer = EncryptedTelegramBuffer()
        self._pending = 0
        """At least as many bytes as the buffer holds."""

    def feed(self, data: bytes) -> list[bytes]:
        """Add bytes from the line; return the frames they complete."""
        self._buffer.append(data)
        frames = [bytes.fromhex(frame) for frame in self._buffer.get_all()]
        # What is left after a frame came out of this chunk.
        self._pending = len(data) if frames else self._pending + len(data)
        if self._pending > MAX_FRAME_SIZE:
            self._buffer = EncryptedTelegramBuffer()
            self._pending = 0
        return frames
