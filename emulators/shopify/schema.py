"""The executable schema: the committed SDL subset with the emulator's resolvers attached."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from graphql import GraphQLInterfaceType, GraphQLSchema, GraphQLUnionType, build_schema

from emulators.shopify.nodes import MUTATION_RESOLVERS, ROOT_RESOLVERS, resolve_abstract_type

API_VERSION = "2025-04"
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "graphql" / "schema" / f"admin-{API_VERSION}.emulator.graphql"


@cache
def executable_schema(path: Path = SCHEMA_PATH) -> GraphQLSchema:
    schema = build_schema(path.read_text(encoding="utf-8"))
    for root, resolvers in ((schema.query_type, ROOT_RESOLVERS), (schema.mutation_type, MUTATION_RESOLVERS)):
        if root is None:
            continue
        unresolved = set(root.fields) - set(resolvers)
        if unresolved:
            raise RuntimeError(f"{root.name} fields without a resolver: {', '.join(sorted(unresolved))}")
        for name in root.fields:
            root.fields[name].resolve = resolvers[name]
    for named_type in schema.type_map.values():
        if isinstance(named_type, (GraphQLInterfaceType, GraphQLUnionType)):
            named_type.resolve_type = resolve_abstract_type
    return schema
