"""Access tokens: the static one given on the command line, and those minted by the OAuth
client-credentials grant (POST /admin/oauth/access_token), which expire after `ttl` seconds.

Secrets are compared in constant time and never logged or shown in reprs.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

# read_all_orders too: the emulator shows every order, not only the last 60 days' (see the README).
GRANTED_SCOPES = ",".join(
    ("read_customers", "write_customers", "read_products", "write_products", "read_orders", "read_all_orders",
     "read_inventory", "write_inventory")
)


class GrantError(Exception):
    """A refused grant: an RFC 6749 error code and its description."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass
class Credentials:
    access_token: str = field(repr=False)
    client_id: str
    client_secret: str = field(repr=False)
    token_ttl: int
    clock: Callable[[], float] = time.time
    _minted: dict[str, float] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def authenticate(self, token: str | None) -> bool:
        if not token:
            return False
        if hmac.compare_digest(token.encode(), self.access_token.encode()):
            return True
        with self._lock:
            expires_at = self._minted.get(token)
            if expires_at is None:
                return False
            if self.clock() >= expires_at:
                del self._minted[token]
                return False
            return True

    def grant(self, form: Mapping[str, str]) -> dict[str, object]:
        """The client-credentials grant: a fresh token, or GrantError."""
        if form.get("grant_type") != "client_credentials":
            raise GrantError("unsupported_grant_type", "grant_type must be client_credentials")
        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        if not (
            hmac.compare_digest(client_id.encode(), self.client_id.encode())
            and hmac.compare_digest(client_secret.encode(), self.client_secret.encode())
        ):
            raise GrantError("invalid_client", "Client authentication failed: unknown client_id or wrong client_secret")
        token = "shpat_" + secrets.token_hex(16)
        with self._lock:
            self._minted[token] = self.clock() + self.token_ttl
        return {"access_token": token, "scope": GRANTED_SCOPES, "expires_in": self.token_ttl}
