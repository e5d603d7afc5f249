"""Secrets: one-time codes, session tokens and password hashes (rules: docs/security.md)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

OTP_DIGITS = 6
SESSION_TOKEN_BYTES = 32  # 256 bits (ASVS 7.2.3 asks for at least 128)

# argon2id with the library's RFC 9106 "low memory" profile: 64 MiB, 3 passes, 4 lanes.
_hasher = PasswordHasher()
# Verified against when an account has no password, so both cases take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def new_otp_code() -> str:
    return f"{secrets.randbelow(10**OTP_DIGITS):0{OTP_DIGITS}d}"


def otp_digest(secret: bytes, otp_id: str, email: str, code: str) -> str:
    """Keyed hash of a code, bound to its row and address: useless without the server secret."""
    message = f"{otp_id}\x00{email}\x00{code}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def digests_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def new_session_token() -> str:
    return secrets.token_urlsafe(SESSION_TOKEN_BYTES)


def session_token_digest(token: str) -> str:
    """SHA-256 suffices: a 256-bit random token cannot be guessed from its hash (ASVS 6.5.2)."""
    return hashlib.sha256(token.encode()).hexdigest()


async def hash_password(password: str) -> str:
    # argon2 takes tens of milliseconds of CPU: keep it off the event loop.
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant-work check: an account without a password costs the same as a wrong one."""

    def check() -> bool:
        try:
            return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(check)


def password_needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
