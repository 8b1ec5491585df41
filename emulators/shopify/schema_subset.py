"""Cut the emulator's schema out of the real Admin API schema.

The emulator must serve a strict subset of Shopify's schema: every type, field, argument (type and
default), enum value, input field and interface it declares exists identically in the real one. So
the emulator's SDL is not written by hand: `WANTED` names the object and interface types and the
fields the emulator implements, and this script copies their definitions (descriptions, arguments,
deprecations) from the real SDL, plus every scalar, enum and input type they reference, whole.

    python -m emulators.shopify.schema_subset --real ../shared/shopify/admin-2025-04.graphql \
        --out graphql/schema/admin-2025-04.emulator.graphql

The output is committed, so the emulator never needs ../shared at run time.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping
from pathlib import Path

from graphql import (
    DefinitionNode,
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    FieldDefinitionNode,
    InputObjectTypeDefinitionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    ListTypeNode,
    NamedTypeNode,
    NonNullTypeNode,
    ObjectTypeDefinitionNode,
    OperationType,
    OperationTypeDefinitionNode,
    ScalarTypeDefinitionNode,
    SchemaDefinitionNode,
    TypeDefinitionNode,
    TypeNode,
    UnionTypeDefinitionNode,
    parse,
    print_ast,
)

# Root fields and per-type field lists the emulator implements. Object and interface types must be
# listed here with the fields wanted; scalars, enums, unions and input types are copied whole when
# referenced (a union's members are object types, so they are listed too).
WANTED: Mapping[str, tuple[str, ...]] = {
    "QueryRoot": (
        "currentBulkOperation",
        "customer",
        "customers",
        "customersCount",
        "inventoryItem",
        "inventoryItems",
        "inventoryLevel",
        "job",
        "location",
        "locations",
        "node",
        "nodes",
        "order",
        "orders",
        "ordersCount",
        "product",
        "productOperation",
        "productVariant",
        "productVariants",
        "products",
        "productsCount",
        "shop",
        "webhookSubscription",
        "webhookSubscriptions",
    ),
    "Mutation": (
        "bulkOperationCancel",
        "bulkOperationRunMutation",
        "bulkOperationRunQuery",
        "inventorySetQuantities",
        "productDelete",
        "productReorderMedia",
        "productSet",
        "stagedUploadsCreate",
        "webhookSubscriptionCreate",
        "webhookSubscriptionDelete",
    ),
    "Node": ("id",),
    "LegacyInteroperability": ("legacyResourceId",),
    "Shop": (
        "contactEmail",
        "createdAt",
        "currencyCode",
        "description",
        "email",
        "ianaTimezone",
        "id",
        "myshopifyDomain",
        "name",
        "taxesIncluded",
        "timezoneAbbreviation",
        "timezoneOffset",
        "timezoneOffsetMinutes",
        "updatedAt",
        "url",
        "weightUnit",
    ),
    "Customer": (
        "addresses",
        "addressesV2",
        "amountSpent",
        "canDelete",
        "createdAt",
        "dataSaleOptOut",
        "defaultAddress",
        "defaultEmailAddress",
        "defaultPhoneNumber",
        "displayName",
        "email",
        "firstName",
        "id",
        "lastName",
        "legacyResourceId",
        "lifetimeDuration",
        "locale",
        "multipassIdentifier",
        "note",
        "numberOfOrders",
        "phone",
        "state",
        "tags",
        "taxExempt",
        "updatedAt",
        "validEmailAddress",
        "verifiedEmail",
    ),
    "CustomerEmailAddress": (
        "emailAddress",
        "marketingOptInLevel",
        "marketingState",
        "marketingUpdatedAt",
        "validFormat",
    ),
    "CustomerPhoneNumber": (
        "marketingCollectedFrom",
        "marketingOptInLevel",
        "marketingState",
        "marketingUpdatedAt",
        "phoneNumber",
    ),
    "MailingAddress": (
        "address1",
        "address2",
        "city",
        "company",
        "country",
        "countryCodeV2",
        "firstName",
        "formattedArea",
        "id",
        "lastName",
        "name",
        "phone",
        "province",
        "provinceCode",
        "zip",
    ),
    "CustomerConnection": ("edges", "nodes", "pageInfo"),
    "CustomerEdge": ("cursor", "node"),
    "MailingAddressConnection": ("edges", "nodes", "pageInfo"),
    "MailingAddressEdge": ("cursor", "node"),
    "PageInfo": ("endCursor", "hasNextPage", "hasPreviousPage", "startCursor"),
    "MoneyV2": ("amount", "currencyCode"),
    "Count": ("count", "precision"),
    # Products (issue "Products both ways").
    "Product": (
        "createdAt",
        "descriptionHtml",
        "featuredMedia",
        "handle",
        "hasOnlyDefaultVariant",
        "id",
        "legacyResourceId",
        "media",
        "mediaCount",
        "metafield",
        "options",
        "productType",
        "publishedAt",
        "status",
        "tags",
        "title",
        "totalInventory",
        "tracksInventory",
        "updatedAt",
        "variants",
        "variantsCount",
        "vendor",
    ),
    "ProductConnection": ("edges", "nodes", "pageInfo"),
    "ProductEdge": ("cursor", "node"),
    "ProductVariant": (
        "barcode",
        "compareAtPrice",
        "createdAt",
        "displayName",
        "id",
        "inventoryItem",
        "inventoryPolicy",
        "inventoryQuantity",
        "legacyResourceId",
        "position",
        "price",
        "product",
        "selectedOptions",
        "sku",
        "taxable",
        "title",
        "updatedAt",
    ),
    "ProductVariantConnection": ("edges", "nodes", "pageInfo"),
    "ProductVariantEdge": ("cursor", "node"),
    "ProductOption": ("id", "name", "optionValues", "position", "values"),
    "ProductOptionValue": ("hasVariants", "id", "name"),
    "SelectedOption": ("name", "optionValue", "value"),
    "Media": ("alt", "id", "mediaContentType", "mediaErrors", "preview", "status"),
    "MediaImage": (
        "alt",
        "createdAt",
        "id",
        "image",
        "mediaContentType",
        "mediaErrors",
        "mimeType",
        "preview",
        "status",
        "updatedAt",
    ),
    "MediaConnection": ("edges", "nodes", "pageInfo"),
    "MediaEdge": ("cursor", "node"),
    "MediaError": ("code", "details", "message"),
    "MediaPreviewImage": ("image", "status"),
    "Image": ("altText", "height", "id", "url", "width"),
    "Metafield": ("createdAt", "id", "key", "legacyResourceId", "namespace", "type", "updatedAt", "value"),
    "ProductSetPayload": ("product", "productSetOperation", "userErrors"),
    "ProductOperation": ("product", "status"),
    "ProductSetOperation": ("id", "product", "status", "userErrors"),
    "ProductSetUserError": ("code", "field", "message"),
    "ProductDeletePayload": ("deletedProductId", "userErrors"),
    "UserError": ("field", "message"),
    # Webhooks. `endpoint` is a union of three endpoint kinds; the emulator delivers over HTTP only.
    "WebhookSubscription": (
        "apiVersion",
        "callbackUrl",
        "createdAt",
        "endpoint",
        "filter",
        "format",
        "id",
        "includeFields",
        "legacyResourceId",
        "topic",
        "updatedAt",
    ),
    "WebhookHttpEndpoint": ("callbackUrl",),
    "WebhookEventBridgeEndpoint": ("arn",),
    "WebhookPubSubEndpoint": ("pubSubProject", "pubSubTopic"),
    "ApiVersion": ("displayName", "handle", "supported"),
    "WebhookSubscriptionConnection": ("edges", "nodes", "pageInfo"),
    "WebhookSubscriptionEdge": ("cursor", "node"),
    "WebhookSubscriptionCreatePayload": ("userErrors", "webhookSubscription"),
    "WebhookSubscriptionDeletePayload": ("deletedWebhookSubscriptionId", "userErrors"),
    "ProductReorderMediaPayload": ("job", "mediaUserErrors"),
    "MediaUserError": ("code", "field", "message"),
    "Job": ("done", "id", "query"),
    # Orders (issue "Orders into Odoo").
    "Order": (
        "billingAddress",
        "cancelReason",
        "cancelledAt",
        "closed",
        "closedAt",
        "createdAt",
        "currencyCode",
        "currentTotalPriceSet",
        "customer",
        "discountCodes",
        "displayFinancialStatus",
        "displayFulfillmentStatus",
        "email",
        "id",
        "legacyResourceId",
        "lineItems",
        "name",
        "note",
        "phone",
        "presentmentCurrencyCode",
        "processedAt",
        "refunds",
        "shippingAddress",
        "shippingLines",
        "sourceName",
        "subtotalLineItemsQuantity",
        "subtotalPriceSet",
        "tags",
        "taxesIncluded",
        "test",
        "totalDiscountsSet",
        "totalPriceSet",
        "totalRefundedSet",
        "totalShippingPriceSet",
        "totalTaxSet",
        "updatedAt",
    ),
    "OrderConnection": ("edges", "nodes", "pageInfo"),
    "OrderEdge": ("cursor", "node"),
    "LineItem": (
        "currentQuantity",
        "discountAllocations",
        "discountedTotalSet",
        "discountedUnitPriceSet",
        "id",
        "name",
        "originalTotalSet",
        "originalUnitPriceSet",
        "product",
        "quantity",
        "requiresShipping",
        "sku",
        "taxLines",
        "taxable",
        "title",
        "variant",
        "variantTitle",
        "vendor",
    ),
    "LineItemConnection": ("edges", "nodes", "pageInfo"),
    "LineItemEdge": ("cursor", "node"),
    "ShippingLine": ("code", "discountedPriceSet", "id", "originalPriceSet", "source", "taxLines", "title"),
    "ShippingLineConnection": ("edges", "nodes", "pageInfo"),
    "ShippingLineEdge": ("cursor", "node"),
    "TaxLine": ("priceSet", "rate", "ratePercentage", "title"),
    "DiscountAllocation": ("allocatedAmountSet",),
    "MoneyBag": ("presentmentMoney", "shopMoney"),
    "Refund": ("createdAt", "id", "legacyResourceId", "note", "refundLineItems", "totalRefundedSet", "updatedAt"),
    "RefundLineItem": (
        "id",
        "lineItem",
        "priceSet",
        "quantity",
        "restockType",
        "restocked",
        "subtotalSet",
        "totalTaxSet",
    ),
    "RefundLineItemConnection": ("edges", "nodes", "pageInfo"),
    "RefundLineItemEdge": ("cursor", "node"),
    # Inventory (issue "Stock levels").
    "Location": (
        "address",
        "createdAt",
        "fulfillsOnlineOrders",
        "id",
        "inventoryLevel",
        "inventoryLevels",
        "isActive",
        "legacyResourceId",
        "name",
        "updatedAt",
    ),
    "LocationAddress": (
        "address1",
        "address2",
        "city",
        "country",
        "countryCode",
        "formatted",
        "phone",
        "province",
        "provinceCode",
        "zip",
    ),
    "LocationConnection": ("edges", "nodes", "pageInfo"),
    "LocationEdge": ("cursor", "node"),
    "InventoryItem": (
        "createdAt",
        "duplicateSkuCount",
        "id",
        "inventoryLevel",
        "inventoryLevels",
        "legacyResourceId",
        "requiresShipping",
        "sku",
        "tracked",
        "unitCost",
        "updatedAt",
        "variant",
    ),
    "InventoryItemConnection": ("edges", "nodes", "pageInfo"),
    "InventoryItemEdge": ("cursor", "node"),
    "InventoryLevel": ("createdAt", "id", "item", "location", "quantities", "updatedAt"),
    "InventoryLevelConnection": ("edges", "nodes", "pageInfo"),
    "InventoryLevelEdge": ("cursor", "node"),
    "InventoryQuantity": ("id", "name", "quantity", "updatedAt"),
    "InventorySetQuantitiesPayload": ("inventoryAdjustmentGroup", "userErrors"),
    "InventoryAdjustmentGroup": ("changes", "createdAt", "id", "reason", "referenceDocumentUri"),
    "InventoryChange": ("delta", "item", "ledgerDocumentUri", "location", "name", "quantityAfterChange"),
    "InventorySetQuantitiesUserError": ("code", "field", "message"),
    # Bulk operations (issue "Full imports at scale").
    "BulkOperation": (
        "completedAt",
        "createdAt",
        "errorCode",
        "fileSize",
        "id",
        "objectCount",
        "partialDataUrl",
        "query",
        "rootObjectCount",
        "status",
        "type",
        "url",
    ),
    "BulkOperationRunQueryPayload": ("bulkOperation", "userErrors"),
    "BulkOperationRunMutationPayload": ("bulkOperation", "userErrors"),
    "BulkOperationCancelPayload": ("bulkOperation", "userErrors"),
    "BulkOperationUserError": ("code", "field", "message"),
    "BulkMutationUserError": ("code", "field", "message"),
    "StagedUploadsCreatePayload": ("stagedTargets", "userErrors"),
    "StagedMediaUploadTarget": ("parameters", "resourceUrl", "url"),
    "StagedUploadParameter": ("name", "value"),
}

BUILTIN_SCALARS = frozenset({"String", "Int", "Float", "Boolean", "ID"})
BUILTIN_DIRECTIVES = frozenset({"deprecated", "include", "skip", "specifiedBy"})
HEADER = (
    "# Generated by `python -m emulators.shopify.schema_subset` from Shopify's Admin API 2025-04 schema.\n"
    "# A strict subset of the real schema: edit WANTED in emulators/shopify/schema_subset.py, not this file.\n\n"
)


class SubsetError(ValueError):
    """The wanted subset cannot be cut from the real schema as declared."""


def named_type(type_node: TypeNode) -> str:
    while isinstance(type_node, (ListTypeNode, NonNullTypeNode)):
        type_node = type_node.type
    assert isinstance(type_node, NamedTypeNode)
    return type_node.name.value


def _directive_names(directives: Iterable[DirectiveNode] | None) -> set[str]:
    return {directive.name.value for directive in directives or ()}


def _argument_types(fields: Iterable[FieldDefinitionNode]) -> Iterable[tuple[str, InputValueDefinitionNode]]:
    for field in fields:
        for argument in field.arguments or ():
            yield f"{field.name.value}({argument.name.value}:)", argument


def cut_subset(real: DocumentNode, wanted: Mapping[str, tuple[str, ...]] = WANTED) -> DocumentNode:
    """The definitions of `wanted` and everything they reference, as a document in the real order."""
    definitions: dict[str, TypeDefinitionNode] = {}
    directive_definitions: dict[str, DirectiveDefinitionNode] = {}
    for definition in real.definitions:
        if isinstance(definition, TypeDefinitionNode):
            definitions[definition.name.value] = definition
        elif isinstance(definition, DirectiveDefinitionNode):
            directive_definitions[definition.name.value] = definition

    kept: dict[str, TypeDefinitionNode] = {}
    used_directives: set[str] = set()
    pending: list[tuple[str, str]] = [(name, "WANTED") for name in wanted]
    while pending:
        name, referrer = pending.pop()
        if name in kept or name in BUILTIN_SCALARS:
            continue
        definition = definitions.get(name)
        if definition is None:
            raise SubsetError(f"{name} (wanted by {referrer}) is not in the real schema")
        used_directives |= _directive_names(definition.directives)
        if isinstance(definition, (ObjectTypeDefinitionNode, InterfaceTypeDefinitionNode)):
            if name not in wanted:
                raise SubsetError(f"{referrer} returns {name}: list {name} and its fields in WANTED")
            by_name = {field.name.value: field for field in definition.fields or ()}
            missing = [field for field in wanted[name] if field not in by_name]
            if missing:
                raise SubsetError(f"{name} has no field(s) {', '.join(missing)} in the real schema")
            fields = tuple(field for field in definition.fields or () if field.name.value in wanted[name])
            # Keep only the interfaces that are themselves part of the subset.
            interfaces = tuple(i for i in definition.interfaces or () if i.name.value in wanted)
            kept[name] = definition.__class__(
                name=definition.name,
                description=definition.description,
                directives=definition.directives,
                interfaces=interfaces,
                fields=fields,
            )
            for field in fields:
                used_directives |= _directive_names(field.directives)
                pending.append((named_type(field.type), f"{name}.{field.name.value}"))
            for label, argument in _argument_types(fields):
                used_directives |= _directive_names(argument.directives)
                pending.append((named_type(argument.type), f"{name}.{label}"))
        elif isinstance(definition, InputObjectTypeDefinitionNode):
            kept[name] = definition
            for field in definition.fields or ():
                used_directives |= _directive_names(field.directives)
                pending.append((named_type(field.type), f"{name}.{field.name.value}"))
        elif isinstance(definition, UnionTypeDefinitionNode):
            # Copied whole (a union with fewer members would differ from the real one); each member is
            # an object type, so it must be listed in WANTED, even one the emulator never returns.
            kept[name] = definition
            for member in definition.types or ():
                pending.append((member.name.value, f"{name} (union member)"))
        elif isinstance(definition, (ScalarTypeDefinitionNode, EnumTypeDefinitionNode)):
            kept[name] = definition
            if isinstance(definition, EnumTypeDefinitionNode):
                for value in definition.values or ():
                    used_directives |= _directive_names(value.directives)
        else:
            raise SubsetError(f"{referrer} returns {name}, a {definition.kind}, which the subset cannot hold yet")

    # The real schema names its roots `QueryRoot` and `Mutation`; the subset keeps whichever it holds.
    roots = [(OperationType.QUERY, "QueryRoot"), (OperationType.MUTATION, "Mutation")]
    schema_definition = SchemaDefinitionNode(
        directives=(),
        operation_types=tuple(
            OperationTypeDefinitionNode(operation=operation, type=NamedTypeNode(name=kept[name].name))
            for operation, name in roots
            if name in kept
        ),
    )
    ordered: list[DefinitionNode] = [schema_definition]
    ordered += [directive_definitions[name] for name in sorted(used_directives - BUILTIN_DIRECTIVES)]
    in_real_order = [d.name.value for d in real.definitions if isinstance(d, TypeDefinitionNode)]
    ordered += [kept[name] for name in in_real_order if name in kept]
    return DocumentNode(definitions=tuple(ordered))


def render_subset(real: DocumentNode, wanted: Mapping[str, tuple[str, ...]] = WANTED) -> str:
    return HEADER + print_ast(cut_subset(real, wanted)) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--real", type=Path, required=True, help="the real Admin API SDL")
    parser.add_argument("--out", type=Path, required=True, help="where to write the emulator's SDL")
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    real = parse(args.real.read_text(encoding="utf-8"), no_location=True)
    args.out.write_text(render_subset(real), encoding="utf-8")


if __name__ == "__main__":
    main()
