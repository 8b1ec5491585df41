"""Web-client sessions (the `session_id` cookie), kept in memory like a fresh Odoo session store."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any

# Odoo 18 session ids are 84 URL-safe characters; other cookie values start a new session
_SID = re.compile(r"^[A-Za-z0-9_-]{84}$")


def new_sid() -> str:
    return secrets.token_urlsafe(63)


@dataclass
class Session:
    sid: str
    db: str | None = None
    uid: int | None = None
    login: str | None = None
    context: dict[str, Any] = field(default_factory=dict)
    send_cookie: bool = False  # whether the response must (re)send the cookie

    def __repr__(self) -> str:
        return f"Session(db={self.db!r}, uid={self.uid!r})"  # never the sid: it is a credential

    def logout(self) -> None:
        self.db = self.uid = self.login = None
        self.context = {}


class SessionStore:
    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}

    def resolve(self, sid: str | None) -> Session:
        """The session a cookie names. A well-formed but unknown id is adopted as an empty session
        (Odoo's file store does the same); a missing or malformed one gets a new session."""
        if sid and _SID.match(sid):
            return self._sessions.setdefault(sid, Session(sid))
        session = Session(new_sid(), send_cookie=True)
        self._sessions[session.sid] = session
        return session

    def rotate(self, session: Session) -> Session:
        """Give a session a new id (Odoo does on login and logout)."""
        self._sessions.pop(session.sid, None)
        rotated = Session(new_sid(), session.db, session.uid, session.login, dict(session.context), send_cookie=True)
        self._sessions[rotated.sid] = rotated
        return rotated
