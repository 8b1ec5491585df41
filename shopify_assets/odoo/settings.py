"""Where and as whom to reach Odoo: `ODOO_URL`, `ODOO_DB`, `ODOO_USERNAME`, `ODOO_PASSWORD`.

`ODOO_PASSWORD` may hold an API key instead of the password (Odoo accepts either on JSON-RPC);
odoo.com-hosted databases usually need the API key. Errors name the setting and never echo its value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError, field_validator

from shopify_assets.odoo.errors import OdooConfigError

ENV_VARIABLES: dict[str, str] = {
    "url": "ODOO_URL",
    "db": "ODOO_DB",
    "username": "ODOO_USERNAME",
    "password": "ODOO_PASSWORD",
}
_DEFAULT_PORTS = {"http": 80, "https": 443}
_URL_SHAPE = "http(s)://host[:port] with no path, e.g. https://mycompany.odoo.com or http://127.0.0.1:8069"


class OdooSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    url: str
    db: str
    username: str
    password: SecretStr

    @field_validator("url")
    @classmethod
    def _url_shape(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        try:
            parts = urlsplit(value)
            port = parts.port
        except ValueError:
            raise ValueError(f"must be {_URL_SHAPE}") from None
        # A URL with user:password@ would put a secret where logs show it: refused, and not echoed.
        if parts.scheme not in _DEFAULT_PORTS or not parts.hostname or parts.username or parts.password:
            raise ValueError(f"must be {_URL_SHAPE}")
        if parts.path or parts.query or parts.fragment or port == 0:
            raise ValueError(f"must be {_URL_SHAPE}")
        return value

    @field_validator("db", "username")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        return value

    @field_validator("password")
    @classmethod
    def _password_given(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value():
            raise ValueError("must not be empty")
        return value

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def port(self) -> int:
        parts = urlsplit(self.url)
        return parts.port or _DEFAULT_PORTS[parts.scheme]

    @property
    def protocol(self) -> Literal["jsonrpc", "jsonrpc+ssl"]:
        return "jsonrpc+ssl" if urlsplit(self.url).scheme == "https" else "jsonrpc"

    @classmethod
    def build(cls, names: Mapping[str, str] | None = None, /, **values: str) -> OdooSettings:
        """Validate `values`; errors name each field as `names` calls it (field name by default)."""
        names = names or {}
        try:
            return cls(**values)  # type: ignore[arg-type]
        except ValidationError as exc:
            # pydantic's own text repeats the input value, which may be the password: rebuild it.
            problems = "; ".join(
                f"{names.get(str(error['loc'][0]), error['loc'][0]) if error['loc'] else 'settings'} "
                f"{error['msg'].removeprefix('Value error, ')}"
                for error in exc.errors(include_input=False, include_url=False)
            )
            raise OdooConfigError(f"invalid settings: {problems}") from None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> OdooSettings:
        env = os.environ if environ is None else environ
        missing = [variable for variable in ENV_VARIABLES.values() if not env.get(variable, "").strip()]
        if missing:
            raise OdooConfigError(f"missing settings: {', '.join(missing)} not set")
        return cls.build(ENV_VARIABLES, **{field: env[variable] for field, variable in ENV_VARIABLES.items()})
