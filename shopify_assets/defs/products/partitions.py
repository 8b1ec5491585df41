from shopify_assets.defs.updated_at import updated_at_partitions

product_partitions = updated_at_partitions()
