"""Field-level encryption of free text (notes, shared items, agreements, actions).

Fernet (AES-128-CBC with HMAC-SHA256) from `cryptography`. MultiFernet so that a key
rotation can read old ciphertext while writing with the new key.
"""

from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from core.errors import ConfigError


@dataclass(frozen=True)
class FieldCipher:
    fernet: MultiFernet

    def encrypt(self, text: str) -> str:
        if text == "":
            return ""  # an empty note stays recognisably empty; it reveals nothing
        return self.fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        if token == "":
            return ""
        try:
            return self.fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise ConfigError(
                "Stored text cannot be decrypted with the configured data key. "
                "Use the data.key file that belongs to this database."
            ) from exc


def cipher(*keys: bytes) -> FieldCipher:
    """A cipher writing with the first key and reading with any of them."""
    try:
        return FieldCipher(MultiFernet([Fernet(key) for key in keys]))
    except ValueError as exc:
        raise ConfigError(
            "The data key is not a valid Fernet key (32 url-safe base64-encoded bytes)."
        ) from exc
