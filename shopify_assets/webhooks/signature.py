"""Shopify's webhook signature: base64(HMAC-SHA256(app client secret, raw body)) in X-Shopify-Hmac-Sha256."""

from __future__ import annotations

import base64
import hashlib
import hmac


def sign(secret: bytes, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest()).decode("ascii")


def is_authentic(secret: bytes, body: bytes, signature: str | None) -> bool:
    """Constant-time check of `signature` over the exact bytes received (never over re-serialised JSON)."""
    if not signature:
        return False
    return hmac.compare_digest(sign(secret, body).encode("ascii"), signature.strip().encode("ascii", "replace"))
