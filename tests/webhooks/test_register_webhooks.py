"""register_webhooks against the Shopify emulator: every synced topic once per callback URL, however often it runs."""

from __future__ import annotations

from typing import Any

from shopify_assets.webhooks.routing import SUBSCRIBED_TOPICS

CALLBACK = "https://sync.example.com/webhooks"


def subscriptions(pipeline: Any) -> list[tuple[str, str]]:
    # `callbackUrl` (deprecated for `endpoint`, still served) because the emulator has no `endpoint` yet.
    query = "{ webhookSubscriptions(first: 100) { nodes { topic callbackUrl } } }"
    nodes = pipeline.shopify.graphql(query).json()["data"]["webhookSubscriptions"]["nodes"]
    return sorted((node["topic"], node["callbackUrl"]) for node in nodes)


def register(pipeline: Any, config: dict[str, str], environ: dict[str, str] | None = None) -> Any:
    job = pipeline.defs.resolve_job_def("register_webhooks")
    with pipeline.environment():
        return job.execute_in_process(
            instance=pipeline.instance,
            run_config={"ops": {"register_webhook_subscriptions": {"config": config}}},
            raise_on_error=False,
        )


def created(result: Any) -> int:
    (output,) = [e for e in result.all_events if e.event_type_value == "STEP_OUTPUT"]
    return output.event_specific_data.metadata["created"].value


def test_registering_twice_subscribes_each_topic_once(start_pipeline):
    pipeline = start_pipeline()
    first = register(pipeline, {"callback_url": CALLBACK})
    second = register(pipeline, {"callback_url": CALLBACK})
    assert first.success and second.success
    assert (created(first), created(second)) == (len(SUBSCRIBED_TOPICS), 0)
    assert subscriptions(pipeline) == sorted((topic, CALLBACK) for topic in SUBSCRIBED_TOPICS)


def test_without_a_callback_url_the_job_fails_naming_the_setting(start_pipeline):
    pipeline = start_pipeline()
    result = register(pipeline, {})
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "SHOPIFY_WEBHOOK_CALLBACK_URL" in str(failure.event_specific_data.error)
    assert subscriptions(pipeline) == []
