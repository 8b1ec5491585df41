from shopify_assets.webhooks.cli import main

main()
