"""GraphQL views of orders, line items, shipping lines and refunds, with the order root fields."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from graphql import GraphQLResolveInfo

from emulators.shopify.catalog_views import LOADERS as CATALOG_LOADERS
from emulators.shopify.connection import connection_result, id_sort_key, list_page, page_request
from emulators.shopify.context import (
    Loader,
    connection_field,
    count_field,
    gid,
    loader,
    lookup,
    request_context,
)
from emulators.shopify.customer_views import LOADERS as CUSTOMER_LOADERS
from emulators.shopify.customer_views import MailingAddressNode
from emulators.shopify.money import money_bag
from emulators.shopify.orders import FILTERS, SORT_KEYS, Amount, LineItem, Order, Refund, RefundLine, ShippingLine
from emulators.shopify.orders import TaxLine as TaxLineRecord
from emulators.shopify.timefmt import iso

_BY_ID = {"ID": id_sort_key()}


class Money:
    """Builds MoneyBags in one order's two currencies."""

    def __init__(self, order: Order) -> None:
        self.shop_currency = order.currency
        self.presentment_currency = order.presentment_currency

    def bag(self, amounts: tuple[Decimal, Decimal]) -> dict[str, Any]:
        return money_bag(amounts[0], self.shop_currency, amounts[1], self.presentment_currency)

    def of(self, amount: Amount) -> dict[str, Any]:
        return self.bag(amount.pair())

    def tax_lines(self, lines: list[TaxLineRecord]) -> list[dict[str, Any]]:
        return [
            {
                "title": tax.title,
                "rate": float(tax.rate),
                "ratePercentage": float(Decimal(tax.rate) * 100),
                "priceSet": self.of(tax.amount),
            }
            for tax in lines
        ]


class LineItemView:
    graphql_type = "LineItem"

    def __init__(self, line: LineItem, order: Order) -> None:
        money = Money(order)
        self.line = line
        self._money = money
        self.id = gid("LineItem", line.id)
        self.title = line.title
        self.name = line.name
        self.variantTitle = line.variant_title
        self.sku = line.sku
        self.vendor = line.vendor
        self.quantity = line.quantity
        removed = line.quantity if order.cancelled_at is not None else order.refunded_quantity(line.id)
        self.currentQuantity = line.quantity - removed
        self.taxable = line.taxable
        self.requiresShipping = line.requires_shipping
        self.originalUnitPriceSet = money.of(line.unit_price)
        self.discountedUnitPriceSet = money.of(line.unit_price)  # code discounts are not in it (the SDL)
        self.originalTotalSet = money.bag(_times(line.unit_price, line.quantity))
        self.discountAllocations = [{"allocatedAmountSet": money.of(line.discount)}] if _nonzero(line.discount) else []
        self.taxLines = money.tax_lines(line.tax_lines)

    def discountedTotalSet(self, info: GraphQLResolveInfo, withCodeDiscounts: bool = False) -> dict[str, Any]:
        shop, presentment = _times(self.line.unit_price, self.line.quantity)
        if withCodeDiscounts:
            off = self.line.discount.pair()
            shop, presentment = shop - off[0], presentment - off[1]
        return self._money.bag((shop, presentment))

    def variant(self, info: GraphQLResolveInfo) -> object | None:
        """The variant, or null once it was deleted (the line keeps its title and SKU)."""
        if self.line.variant_id is None:
            return None
        return CATALOG_LOADERS["ProductVariant"](request_context(info), self.line.variant_id)

    def product(self, info: GraphQLResolveInfo) -> object | None:
        if self.line.product_id is None:
            return None
        return CATALOG_LOADERS["Product"](request_context(info), self.line.product_id)


def _times(amount: Amount, factor: int) -> tuple[Decimal, Decimal]:
    shop, presentment = amount.pair()
    return shop * factor, presentment * factor


def _nonzero(amount: Amount) -> bool:
    return any(value != 0 for value in amount.pair())


def _shipping_line(line: ShippingLine, money: Money) -> dict[str, Any]:
    price, off = line.price.pair(), line.discount.pair()
    return {
        "id": gid("ShippingLine", line.id),
        "title": line.title,
        "code": line.code,
        "source": line.source,
        "originalPriceSet": money.of(line.price),
        "discountedPriceSet": money.bag((price[0] - off[0], price[1] - off[1])),
        "taxLines": money.tax_lines(line.tax_lines),
    }


class RefundView:
    graphql_type = "Refund"

    def __init__(self, refund: Refund, order: Order) -> None:
        self.refund = refund
        self.order = order
        money = Money(order)
        self.id = gid("Refund", refund.id)
        self.legacyResourceId = str(refund.id)
        self.note = refund.note
        self.createdAt = iso(refund.created_at)
        self.updatedAt = iso(refund.updated_at)
        self.totalRefundedSet = money.bag(refund.total(order.taxes_included))

    def refundLineItems(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        request = page_request("refundLineItems", args, _BY_ID)
        page = list_page(self.refund.lines, lambda line: (str(line.id), line.id), request)
        return connection_result(page, self._line)

    def _line(self, line: RefundLine) -> dict[str, Any]:
        money = Money(self.order)
        item = next(item for item in self.order.line_items if item.id == line.line_item_id)
        return {
            "id": gid("RefundLineItem", line.id),
            "lineItem": LineItemView(item, self.order),
            "quantity": line.quantity,
            "priceSet": money.of(item.unit_price),
            "subtotalSet": money.of(line.subtotal),
            "totalTaxSet": money.of(line.tax),
            "restockType": line.restock_type,
            "restocked": line.restock_type in ("RETURN", "CANCEL"),
        }


class OrderNode:
    graphql_type = "Order"

    def __init__(self, order: Order) -> None:
        self.order = order
        money = Money(order)
        self.id = gid("Order", order.id)
        self.legacyResourceId = str(order.id)
        self.name = order.name
        self.email = order.email
        self.phone = order.phone
        self.note = order.note
        self.tags = order.tags
        self.test = order.test
        self.sourceName = order.source_name
        self.discountCodes = order.discount_codes
        self.currencyCode = order.currency
        self.presentmentCurrencyCode = order.presentment_currency
        self.taxesIncluded = order.taxes_included
        self.displayFinancialStatus = order.financial_status
        self.displayFulfillmentStatus = order.fulfillment_status
        self.cancelReason = order.cancel_reason
        self.cancelledAt = iso(order.cancelled_at) if order.cancelled_at is not None else None
        self.closed = order.closed_at is not None
        self.closedAt = iso(order.closed_at) if order.closed_at is not None else None
        self.createdAt = iso(order.created_at)
        self.updatedAt = iso(order.updated_at)
        self.processedAt = iso(order.processed_at)
        self.subtotalLineItemsQuantity = sum(line.quantity for line in order.line_items)
        self.subtotalPriceSet = money.bag(order.subtotal())
        self.totalDiscountsSet = money.bag(order.total_discounts())
        self.totalShippingPriceSet = money.bag(order.total_shipping())
        self.totalTaxSet = money.bag(order.total_tax())
        self.totalPriceSet = money.bag(order.total_price())
        self.totalRefundedSet = money.bag(order.total_refunded())
        self.currentTotalPriceSet = money.bag(order.current_total())
        self.billingAddress = MailingAddressNode(order.billing_address, "Address") if order.billing_address else None
        self.shippingAddress = MailingAddressNode(order.shipping_address, "Address") if order.shipping_address else None
        self._money = money

    def customer(self, info: GraphQLResolveInfo) -> object | None:
        """The customer, or null for a guest order (or a customer deleted since)."""
        if self.order.customer_id is None:
            return None
        return CUSTOMER_LOADERS["Customer"](request_context(info), self.order.customer_id)

    def lineItems(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        request = page_request("lineItems", args, _BY_ID)
        page = list_page(self.order.line_items, lambda line: (str(line.id), line.id), request)
        return connection_result(page, lambda line: LineItemView(line, self.order))

    def shippingLines(self, info: GraphQLResolveInfo, includeRemovals: bool = False, **args: Any) -> dict[str, Any]:
        request = page_request("shippingLines", args, _BY_ID)
        page = list_page(self.order.shipping_lines, lambda line: (str(line.id), line.id), request)
        return connection_result(page, lambda line: _shipping_line(line, self._money))

    def refunds(self, info: GraphQLResolveInfo, first: int | None = None) -> list[RefundView]:
        refunds = self.order.refunds if first is None else self.order.refunds[: max(first, 0)]
        return [RefundView(refund, self.order) for refund in refunds]


# --- root fields ------------------------------------------------------------------------------------


LOADERS: Mapping[str, Loader] = {"Order": loader(lambda data, n: data.orders.get(n), OrderNode)}
ROOT_RESOLVERS: Mapping[str, Callable[..., Any]] = {
    "orders": connection_field(lambda data: data.orders.page, SORT_KEYS, FILTERS, OrderNode),
    "ordersCount": count_field(lambda data: data.orders.count, FILTERS),
    "order": lookup("Order", LOADERS["Order"]),
}
