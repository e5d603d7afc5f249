"""How far a player has come in an attempt, sealed by the server (docs/mind.md, "Progress"):
the answer to each right move carries it, and the next move sent with it is checked from there
without the attempt row being written on every move.

A token holds the number of line moves played and the position they lead to, and is bound by
an HMAC of the server secret to one user's one attempt. It can only say what the server itself
answered: a position reached by playing the line's moves. Replaying an older token only goes
back to an earlier position of the same line, which gains nothing: a wrong move, a hint and the
end are written at once, and the attempt's status is read on every move.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass

# Hex digits of the SHA-256 MAC a token keeps: 128 bits, unguessable, and a short token.
MAC_DIGITS = 32


@dataclass(frozen=True)
class Progress:
    step: int  # moves of the line played, the opponent's first move included
    fen: str  # the position they lead to


def _mac(secret: bytes, user_id: str, attempt_id: str, payload: bytes) -> str:
    message = b"chess-progress:" + f"{user_id}:{attempt_id}:".encode() + payload
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:MAC_DIGITS]


def seal(secret: bytes, user_id: str, attempt_id: str, progress: Progress) -> str:
    payload = base64.urlsafe_b64encode(f"{progress.step} {progress.fen}".encode()).rstrip(b"=")
    return f"{payload.decode()}.{_mac(secret, user_id, attempt_id, payload)}"


def unseal(secret: bytes, user_id: str, attempt_id: str, token: str) -> Progress | None:
    """The progress `token` seals, or None when this server did not seal it for this user's
    attempt (or it was altered)."""
    payload, _, mac = token.partition(".")
    # Compared as bytes: `compare_digest` refuses a str holding anything but ASCII, and a forged
    # token may hold anything.
    raw = payload.encode("utf-8", "surrogatepass")
    expected = _mac(secret, user_id, attempt_id, raw).encode()
    if not hmac.compare_digest(expected, mac.encode("utf-8", "surrogatepass")):
        return None
    try:
        step, _, fen = (
            base64.urlsafe_b64decode(raw + b"=" * (-len(raw) % 4)).decode().partition(" ")
        )
        return Progress(int(step), fen)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None  # sealed by us, so this does not happen; refused all the same
