"""Shared fixtures. Emulator fixtures live in tests/fixtures/ and are loaded as plugins."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = (REPO_ROOT / ".." / "shared").resolve()
REAL_SHOPIFY_SCHEMA = SHARED_DIR / "shopify" / "admin-2025-04.graphql"
ODOO_CONTRACTS_DIR = SHARED_DIR / "contracts" / "odoo18"

pytest_plugins = [
    f"tests.fixtures.{path.stem}"
    for path in sorted((REPO_ROOT / "tests" / "fixtures").glob("*.py"))
    if path.stem != "__init__"
]


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED_DIR.is_dir():
        pytest.fail(f"../shared is missing beside the repository (looked at {SHARED_DIR})")
    return SHARED_DIR
