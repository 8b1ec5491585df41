"""The emulator's file storage for bulk operations: result files behind signed URLs, and staged uploads.

Shopify keeps both in cloud storage, not behind the Admin API: results are downloaded from a
signed URL whose query carries `Expires`, a signature and `response-content-disposition=...
filename="bulk-<id>.jsonl"`; variables for bulk mutations are uploaded with a multipart POST of
the form parameters `stagedUploadsCreate` returned (`key` is the staged path, a signed `policy`
bounds what may be sent). Here both live under `/_emulator/storage/`, a path no Shopify route uses,
and need no access token, only a valid signature, as signed storage URLs do.

Signatures are HMACs with a key made when the process starts, so a URL or a staged upload target
from before a restart is refused, as an expired one would be.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, urlencode

STORAGE_PREFIX = "/_emulator/storage"
OUTPUTS = "bulk-operation-outputs"
STAGED = "staged-uploads"
RESULT_LIFETIME = 7 * 86400  # result files are valid 7 days (the SDL)
UPLOAD_LIFETIME = 3600  # how long a staged upload target accepts its file
MAX_UPLOAD_BYTES = 100 * 1024 * 1024  # Shopify's limit on a bulk mutation's variables file
_KEY = re.compile(r"^tmp/(?P<shop>\d+)/bulk/(?P<folder>[0-9a-f]{32})/(?P<name>[^/]+)$")
_COPY_CHUNK = 1 << 16


class StorageRefusal(Exception):
    """A storage request refused: `status`, and the code and message of a cloud-storage XML error."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class StagedTarget:
    url: str
    resource_url: str
    parameters: list[dict[str, str]]


class BulkFiles:
    """Result files and staged uploads under `root`."""

    def __init__(self, root: Path) -> None:
        self.outputs = root / OUTPUTS
        self.staged = root / STAGED
        self.outputs.mkdir(parents=True, exist_ok=True)
        self.staged.mkdir(parents=True, exist_ok=True)
        self._secret = secrets.token_bytes(32)

    def _sign(self, *parts: str) -> str:
        digest = hmac.new(self._secret, "\n".join(parts).encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    # -- results -----------------------------------------------------------------------------

    def new_output(self, operation_id: int) -> Path:
        """A fresh, unguessable file for an operation's results."""
        return self.outputs / f"{operation_id}-{secrets.token_hex(8)}.jsonl"

    def output_url(self, origin: str, path: Path, operation_id: int, expires: int) -> str:
        """The signed download URL of a result file, valid until `expires` (epoch seconds)."""
        disposition = f"attachment; filename=\"bulk-{operation_id}.jsonl\"; filename*=UTF-8''bulk-{operation_id}.jsonl"
        query = {
            "Expires": str(expires),
            "response-content-disposition": disposition,
            "response-content-type": "application/jsonl",
        }
        signature = self._sign(path.name, query["Expires"], disposition)
        return f"{origin}{STORAGE_PREFIX}/{OUTPUTS}/{quote(path.name)}?{urlencode({**query, 'Signature': signature})}"

    def output_file(self, name: str, query: Mapping[str, str], now: int) -> Path:
        """The result file a signed URL names; StorageRefusal when its signature or date does not hold."""
        expires, signature = query.get("Expires", ""), query.get("Signature", "")
        disposition = query.get("response-content-disposition", "")
        expected = self._sign(name, expires, disposition)
        if not hmac.compare_digest(signature, expected):
            raise StorageRefusal(403, "SignatureDoesNotMatch", "The request signature does not match.")
        if not expires.isdigit() or int(expires) < now:
            raise StorageRefusal(400, "ExpiredToken", "The provided token has expired.")
        path = self.outputs / name
        if "/" in name or not path.is_file():
            raise StorageRefusal(404, "NoSuchKey", "The specified key does not exist.")
        return path

    # -- staged uploads ----------------------------------------------------------------------

    def staged_target(self, origin: str, shop_id: int, filename: str, mime_type: str, now: int) -> StagedTarget:
        """Where and how to POST one variables file: the form parameters bind the key and expire."""
        name = filename.rsplit("/", 1)[-1] or "bulk_op_vars"
        key = f"tmp/{shop_id}/bulk/{uuid.uuid4().hex}/{name}"
        policy = {
            "expiration": now + UPLOAD_LIFETIME,
            "conditions": [{"key": key}, {"Content-Type": mime_type}, ["content-length-range", 1, MAX_UPLOAD_BYTES]],
        }
        encoded = base64.b64encode(json.dumps(policy, separators=(",", ":")).encode()).decode()
        url = f"{origin}{STORAGE_PREFIX}/{STAGED}/"
        parameters = {
            "key": key,
            "Content-Type": mime_type,
            "success_action_status": "201",
            "acl": "private",
            "policy": encoded,
            "x-goog-algorithm": "GOOG4-HMAC-SHA256",
            "x-goog-signature": self._sign(encoded),
        }
        return StagedTarget(url, url + key, [{"name": n, "value": v} for n, v in parameters.items()])

    def receive_upload(self, fields: Mapping[str, str], upload: BinaryIO, now: int) -> str:
        """Store an uploaded file under its key after checking the form against its signed policy."""
        encoded, signature = fields.get("policy", ""), fields.get("x-goog-signature", "")
        if not hmac.compare_digest(signature, self._sign(encoded)):
            raise StorageRefusal(403, "SignatureDoesNotMatch", "The request signature does not match.")
        policy = json.loads(base64.b64decode(encoded))
        if policy["expiration"] < now:
            raise StorageRefusal(400, "ExpiredToken", "The provided token has expired.")
        bound = {
            name: value
            for condition in policy["conditions"]
            if isinstance(condition, dict)
            for name, value in condition.items()
        }
        for name, value in bound.items():
            if fields.get(name) != value:
                raise StorageRefusal(
                    403, "AccessDenied", f"Invalid according to Policy: Policy Condition failed: {name}"
                )
        key = str(bound["key"])
        path = self.staged_path(key)
        assert path is not None, "a signed key has the staged form"
        path.parent.mkdir(parents=True, exist_ok=True)
        size = 0
        with path.open("wb") as out:
            while chunk := upload.read(_COPY_CHUNK):
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    out.close()
                    path.unlink()
                    raise StorageRefusal(
                        400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size."
                    )
                out.write(chunk)
        if size == 0:
            path.unlink()
            raise StorageRefusal(
                400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size."
            )
        return key

    def staged_path(self, key: str) -> Path | None:
        """Where the file of a staged upload path is kept (whether or not it was uploaded); None if no such path."""
        match = _KEY.match(key)
        if match is None or match["name"] in (".", ".."):
            return None
        return self.staged / match["folder"] / match["name"]
