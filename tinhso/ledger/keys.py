"""The Ed25519 key that signs checkpoints, and the public keys trusted to have signed them.

``settings.LEDGER_SIGNING_KEY`` is the base64 of the 32-byte private seed. A key is named by
its ``key_id``: the first 16 hex digits of SHA-256 over the 32 raw public-key bytes. After a
key rotation, old checkpoints stay verifiable if the old public keys are listed (base64 of
the raw 32 bytes) in the optional ``settings.LEDGER_TRUSTED_PUBLIC_KEYS``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def signing_key() -> Ed25519PrivateKey:
    try:
        seed = base64.b64decode(settings.LEDGER_SIGNING_KEY, validate=True)
    except (binascii.Error, TypeError, ValueError):
        raise ImproperlyConfigured("LEDGER_SIGNING_KEY is not valid base64.") from None
    if len(seed) != 32:
        raise ImproperlyConfigured("LEDGER_SIGNING_KEY must hold exactly 32 bytes (an Ed25519 seed).")
    return Ed25519PrivateKey.from_private_bytes(seed)


def raw_public_key(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id_of(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(raw_public_key(key)).hexdigest()[:16]


def public_key() -> Ed25519PublicKey:
    return signing_key().public_key()


def trusted_public_keys() -> dict[str, Ed25519PublicKey]:
    """Every public key a checkpoint may be signed with, by key_id (the current one first)."""
    current = public_key()
    keys = {key_id_of(current): current}
    for encoded in getattr(settings, "LEDGER_TRUSTED_PUBLIC_KEYS", ()):
        try:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(encoded, validate=True))
        except (binascii.Error, TypeError, ValueError):
            raise ImproperlyConfigured("LEDGER_TRUSTED_PUBLIC_KEYS holds an invalid key.") from None
        keys.setdefault(key_id_of(key), key)
    return keys
