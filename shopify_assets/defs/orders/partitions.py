from shopify_assets.defs.updated_at import updated_at_partitions

order_partitions = updated_at_partitions()
