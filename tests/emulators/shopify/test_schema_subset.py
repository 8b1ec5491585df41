"""The emulator's schema is a strict subset of Shopify's real Admin API 2025-04 schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import (
    DocumentNode,
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    build_ast_schema,
    build_schema,
    parse,
)

from emulators.shopify.schema_subset import WANTED, SubsetError, cut_subset, render_subset

REPO_ROOT = Path(__file__).resolve().parents[3]
REAL_SCHEMA_PATH = REPO_ROOT / ".." / "shared" / "shopify" / "admin-2025-04.graphql"
SCHEMA_PATH = REPO_ROOT / "graphql" / "schema" / "admin-2025-04.emulator.graphql"


@pytest.fixture(scope="module")
def real_document() -> DocumentNode:
    if not REAL_SCHEMA_PATH.is_file():
        pytest.fail(f"the real schema is missing: {REAL_SCHEMA_PATH.resolve()}")
    return parse(REAL_SCHEMA_PATH.read_text(encoding="utf-8"), no_location=True)


@pytest.fixture(scope="module")
def real(real_document: DocumentNode) -> GraphQLSchema:
    return build_ast_schema(real_document, assume_valid_sdl=True)


@pytest.fixture(scope="module")
def emulator() -> GraphQLSchema:
    return build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))


def _argument_signature(argument: GraphQLArgument) -> tuple[str, str, str | None]:
    default = argument.ast_node.default_value if argument.ast_node else None
    return str(argument.type), repr(argument.default_value), str(default.to_dict()) if default else None


def _differences(mine: GraphQLNamedType, theirs: GraphQLNamedType) -> list[str]:
    name = mine.name
    if type(mine) is not type(theirs):
        return [f"{name} is a {type(mine).__name__} here but a {type(theirs).__name__} in Shopify's schema"]
    problems = []
    if mine.description != theirs.description:
        problems.append(f"{name}: description differs")
    if isinstance(mine, (GraphQLObjectType, GraphQLInterfaceType)):
        assert isinstance(theirs, (GraphQLObjectType, GraphQLInterfaceType))
        theirs_interfaces = {i.name for i in theirs.interfaces}
        problems += [
            f"{name} implements {i.name}, Shopify's does not"
            for i in mine.interfaces
            if i.name not in theirs_interfaces
        ]
        for field_name, field in mine.fields.items():
            real_field = theirs.fields.get(field_name)
            if real_field is None:
                problems.append(f"{name}.{field_name} does not exist in Shopify's schema")
                continue
            if str(field.type) != str(real_field.type):
                problems.append(f"{name}.{field_name}: {field.type} here, {real_field.type} in Shopify's")
            if field.deprecation_reason != real_field.deprecation_reason or field.description != real_field.description:
                problems.append(f"{name}.{field_name}: description or deprecation differs")
            for arg_name, argument in field.args.items():
                real_argument = real_field.args.get(arg_name)
                if real_argument is None:
                    problems.append(f"{name}.{field_name}({arg_name}:) does not exist in Shopify's schema")
                elif _argument_signature(argument) != _argument_signature(real_argument):
                    problems.append(f"{name}.{field_name}({arg_name}:) differs in type or default")
    elif isinstance(mine, GraphQLEnumType):
        assert isinstance(theirs, GraphQLEnumType)
        problems += [
            f"{name}.{value} is not a value of Shopify's enum" for value in mine.values if value not in theirs.values
        ]
    elif isinstance(mine, GraphQLInputObjectType):
        assert isinstance(theirs, GraphQLInputObjectType)
        for field_name, input_field in mine.fields.items():
            real_input = theirs.fields.get(field_name)
            if (
                real_input is None
                or str(real_input.type) != str(input_field.type)
                or (repr(real_input.default_value) != repr(input_field.default_value))
            ):
                problems.append(f"{name}.{field_name} differs from Shopify's input field")
    elif isinstance(mine, GraphQLUnionType):
        assert isinstance(theirs, GraphQLUnionType)
        theirs_members = {t.name for t in theirs.types}
        problems += [
            f"{name} includes {t.name}, Shopify's does not" for t in mine.types if t.name not in theirs_members
        ]
    else:
        assert isinstance(mine, GraphQLScalarType)
    return problems


def test_every_definition_exists_identically_in_the_real_schema(emulator: GraphQLSchema, real: GraphQLSchema) -> None:
    problems = []
    for name, named_type in emulator.type_map.items():
        if name.startswith("__"):
            continue
        real_type = real.type_map.get(name)
        if real_type is None:
            problems.append(f"{name} does not exist in Shopify's schema")
        else:
            problems += _differences(named_type, real_type)
    assert not problems, "\n".join(problems)


def test_the_roots_are_named_as_shopify_names_them(emulator: GraphQLSchema, real: GraphQLSchema) -> None:
    assert emulator.query_type is not None and real.query_type is not None
    assert emulator.query_type.name == real.query_type.name == "QueryRoot"
    assert emulator.mutation_type is not None and real.mutation_type is not None
    assert emulator.mutation_type.name == real.mutation_type.name == "Mutation"


def test_committed_schema_is_what_the_generator_writes(real_document: DocumentNode) -> None:
    # The file must be reproducible from WANTED, so nobody edits it by hand.
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render_subset(real_document)


def test_the_subset_holds_the_customer_fields_the_pipeline_reads(emulator: GraphQLSchema) -> None:
    customer = emulator.type_map["Customer"]
    assert isinstance(customer, GraphQLObjectType)
    assert {"id", "updatedAt", "defaultEmailAddress", "addresses", "tags", "state"} <= set(customer.fields)
    assert {"CustomerSortKeys", "CountryCode", "CustomerState", "PageInfo", "Node"} <= set(emulator.type_map)


def test_a_wanted_field_shopify_lacks_is_refused(real_document: DocumentNode) -> None:
    with pytest.raises(SubsetError, match="Customer has no field"):
        cut_subset(real_document, {**WANTED, "Customer": ("id", "favouriteColour")})


def test_a_returned_object_type_must_be_listed(real_document: DocumentNode) -> None:
    with pytest.raises(SubsetError, match="list MoneyV2"):
        cut_subset(real_document, {k: v for k, v in WANTED.items() if k != "MoneyV2"})
