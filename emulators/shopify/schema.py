"""The executable schema: the committed SDL subset with the emulator's resolvers attached."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from graphql import GraphQLInterfaceType, GraphQLSchema, build_schema

from emulators.shopify.nodes import ROOT_RESOLVERS, resolve_abstract_type

API_VERSION = "2025-04"
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "graphql" / "schema" / f"admin-{API_VERSION}.emulator.graphql"


@cache
def executable_schema(path: Path = SCHEMA_PATH) -> GraphQLSchema:
    schema = build_schema(path.read_text(encoding="utf-8"))
    query_root = schema.query_type
    assert query_root is not None
    unresolved = set(query_root.fields) - set(ROOT_RESOLVERS)
    if unresolved:
        raise RuntimeError(f"root fields without a resolver: {', '.join(sorted(unresolved))}")
    for name, resolver in ROOT_RESOLVERS.items():
        query_root.fields[name].resolve = resolver
    for named_type in schema.type_map.values():
        if isinstance(named_type, GraphQLInterfaceType):
            named_type.resolve_type = resolve_abstract_type
    return schema
