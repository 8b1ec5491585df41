"""Every operation document validates against the real Admin schema and the emulator's subset.

The emulator half is skipped only while graphql/schema/admin-2025-04.emulator.graphql does not exist.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from graphql import GraphQLSchema, build_schema, parse, validate

from shopify_assets.shopify.operations import OPERATIONS_DIR, load_operations

REPO_ROOT = Path(__file__).resolve().parents[1]
REAL_SCHEMA = REPO_ROOT / ".." / "shared" / "shopify" / "admin-2025-04.graphql"
EMULATOR_SCHEMA = REPO_ROOT / "graphql" / "schema" / "admin-2025-04.emulator.graphql"
DOCUMENT_PATHS = sorted(OPERATIONS_DIR.glob("*.graphql"))
OPERATION_NAMES = sorted(load_operations())


@cache
def _schema(path: Path) -> GraphQLSchema:
    if not path.is_file():
        if path == EMULATOR_SCHEMA:
            pytest.skip(f"{path.name} is not written yet")
        pytest.fail(f"schema missing: {path.resolve()}")
    return build_schema(path.read_text(), assume_valid_sdl=True)


@pytest.fixture(params=[REAL_SCHEMA, EMULATOR_SCHEMA], ids=["real", "emulator"])
def schema(request: pytest.FixtureRequest) -> GraphQLSchema:
    return _schema(request.param)


def test_graphql_folder_holds_documents_only() -> None:
    assert not (REPO_ROOT / "graphql" / "__init__.py").exists()
    assert DOCUMENT_PATHS, "graphql/operations has no documents"


def test_all_documents_validate_together(schema: GraphQLSchema) -> None:
    # Together, because a file may use another file's fragments; unused fragments are still checked.
    document = parse("\n".join(path.read_text() for path in DOCUMENT_PATHS))
    errors = [error for error in validate(schema, document) if "is never used" not in error.message]
    assert not errors, "; ".join(error.message for error in errors)


@pytest.mark.parametrize("name", OPERATION_NAMES)
def test_minimal_operation_document_validates(schema: GraphQLSchema, name: str) -> None:
    # What the client actually sends: the operation plus the fragments it uses, nothing unused.
    errors = validate(schema, parse(load_operations()[name].document))
    assert not errors, f"{name}: " + "; ".join(error.message for error in errors)
