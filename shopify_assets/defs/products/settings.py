"""The deployment's choices about products, as a Dagster resource (shown and editable in the UI)."""

import json
import os
from typing import Any

from dagster import ConfigurableResource
from pydantic import Field, field_validator

from shopify_assets.mapping.products import ProductMapping
from shopify_assets.reconcile.product_export import DEFAULT_BULK_MIN_PRODUCTS, DEFAULT_EXPORT_DOMAIN, ExportSettings
from shopify_assets.shopify.models import ProductStatus

BULK_MIN_PRODUCTS_ENV = "SYNC_EXPORT_BULK_MIN_PRODUCTS"


def export_bulk_min_products() -> int:
    """SYNC_EXPORT_BULK_MIN_PRODUCTS, read when the run starts (an operator changes it without a reload)."""
    raw = (os.environ.get(BULK_MIN_PRODUCTS_ENV) or str(DEFAULT_BULK_MIN_PRODUCTS)).strip()
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{BULK_MIN_PRODUCTS_ENV} must be a whole number of products (1 or more), got {raw!r}")
    return int(raw)


class ProductSettings(ConfigurableResource):
    """How products map onto Odoo, which Odoo products are exported, and how new ones appear in Shopify."""

    mapping: ProductMapping = ProductMapping()
    export_domain: str = Field(
        default=json.dumps(DEFAULT_EXPORT_DOMAIN),
        description="Odoo domain (JSON) selecting the product.template records the export considers.",
    )
    new_product_status: ProductStatus = Field(
        default="DRAFT", description="Status of the products the export creates in Shopify (DRAFT: for review)."
    )
    create_missing: bool = Field(
        default=True, description="Create Shopify products for exported Odoo templates that have none."
    )
    export_bulk_min_products: int | None = Field(
        default=None,
        ge=1,
        description="An export sending at least this many products sends them as one bulk mutation; unset: "
        f"{BULK_MIN_PRODUCTS_ENV} (default {DEFAULT_BULK_MIN_PRODUCTS}).",
    )

    @field_validator("export_domain")
    @classmethod
    def _domain_is_a_json_list(cls, value: str) -> str:
        try:
            domain = json.loads(value)
        except ValueError as error:
            raise ValueError(f"export_domain is not JSON: {error}") from None
        if not isinstance(domain, list):
            raise ValueError(f"export_domain must be a JSON list (an Odoo domain), got {value!r}")
        return value

    def domain(self) -> list[Any]:
        return list(json.loads(self.export_domain))

    def export_settings(self) -> ExportSettings:
        return ExportSettings(
            new_product_status=self.new_product_status,
            create_missing=self.create_missing,
            bin_field=self.mapping.bin_field,
            bulk_min_products=self.export_bulk_min_products or export_bulk_min_products(),
        )
