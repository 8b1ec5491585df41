"""Webhook-driven syncs in Dagster: the queue resource, the sensor, the archive and registration jobs."""
