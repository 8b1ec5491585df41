"""Jobs the webhooks need beside the import_* ones: archive deleted products, register the subscriptions."""

import os
from collections.abc import Iterator

from dagster import Config, Failure, Nothing, OpExecutionContext, Out, Output, in_process_executor, job, op
from pydantic import Field

from shopify_assets.defs.metadata import client_metadata
from shopify_assets.defs.resources import ShopifyResource
from shopify_assets.defs.targeted import RecordIdsConfig
from shopify_assets.odoo.resource import OdooResource
from shopify_assets.shopify.ids import to_gid
from shopify_assets.webhooks.registration import WebhookRegistrationError, register_webhooks
from shopify_assets.webhooks.settings import CALLBACK_URL_ENV

TEMPLATE_MODEL = "product.template"


@op(pool="odoo_rpc", out=Out(Nothing))
def archive_products_by_id(
    context: OpExecutionContext, config: RecordIdsConfig, odoo: OdooResource
) -> Iterator[Output[None]]:
    """Archive (never delete) the Odoo template bound to shopify.product_<id> for each given product."""
    try:
        numbers = [to_gid("Product", value).rsplit("/", 1)[1] for value in config.ids]
    except ValueError as error:
        raise Failure(str(error)) from None
    names = {f"product_{number}": number for number in numbers}
    with odoo.get_gateway() as gateway:
        bound = gateway.external_ids(TEMPLATE_MODEL, names)
        results = gateway.write_many(TEMPLATE_MODEL, {template_id: {"active": False} for template_id in bound.values()})
    failed = {result.record_id: result.error for result in results if result.error is not None}
    for name in sorted(names.keys() - bound.keys()):
        context.log.info(f"product {names[name]} was never synced to Odoo (no shopify.{name}): nothing to archive")
    for template_id, error in failed.items():
        context.log.error(f"product.template {template_id}: archiving failed: {error}")
    if failed:
        raise Failure(
            f"{len(failed)} of {len(bound)} templates could not be archived",
            metadata={"failed_template_ids": sorted(failed)},
        )
    yield Output(
        None,
        metadata={"archived": len(bound), "not_in_odoo": len(names) - len(bound), "template_ids": sorted(bound.values())},
    )


@job(
    executor_def=in_process_executor,
    tags={"shopify_sync/mode": "archive_deleted_products"},
    description="Products deleted in Shopify: archive their Odoo templates (ops.archive_products_by_id.config.ids).",
)
def archive_products() -> None:
    archive_products_by_id()


class WebhookRegistrationConfig(Config):
    callback_url: str | None = Field(
        default=None, description=f"The receiver's public HTTPS URL (…/webhooks); default ${CALLBACK_URL_ENV}."
    )


@op(pool="shopify_api", out=Out(Nothing))
def register_webhook_subscriptions(
    context: OpExecutionContext, config: WebhookRegistrationConfig, shopify: ShopifyResource
) -> Iterator[Output[None]]:
    callback_url = config.callback_url or os.environ.get(CALLBACK_URL_ENV, "").strip()
    if not callback_url:
        raise Failure(f"no callback URL: set {CALLBACK_URL_ENV} or ops.register_webhook_subscriptions.config.callback_url")
    with shopify.get_client() as client:
        try:
            registration = register_webhooks(client, callback_url)
        except WebhookRegistrationError as error:
            raise Failure(str(error)) from None
        shopify_metadata = client_metadata(client)
    context.log.info(f"webhooks for {callback_url}: created {registration.created or 'none'}")
    yield Output(
        None,
        metadata={
            "callback_url": callback_url,
            "created": len(registration.created),
            "already_registered": len(registration.existing),
            "created_topics": ", ".join(registration.created) or "none",
            **shopify_metadata,
        },
    )


@job(
    name="register_webhooks",
    executor_def=in_process_executor,
    tags={"shopify_sync/mode": "register_webhooks"},
    description=f"Subscribe the receiver (${CALLBACK_URL_ENV}) to every synced topic; existing subscriptions are kept.",
)
def register_webhooks_job() -> None:
    register_webhook_subscriptions()
