"""The webhook signature, as Stripe and GitHub sign theirs: the header
`Coach-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with the consumer's
secret. A receiver recomputes the HMAC over the timestamp and the raw body bytes, compares in
constant time, and rejects a timestamp older than its tolerance (a replayed request). `verify`
below is that check, for receivers written in Python."""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "Coach-Signature"
TOLERANCE_S = 300


def sign(secret: bytes, body: bytes, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret, f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def verify(
    secret: bytes, header: str, body: bytes, tolerance: int = TOLERANCE_S, now: float | None = None
) -> bool:
    """True when `header` signs `body` with `secret` within `tolerance` seconds of now."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        t = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - t) > tolerance:
        return False
    expected = sign(secret, body, t).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
