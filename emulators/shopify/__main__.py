"""`python -m emulators.shopify`: run the Shopify Admin API emulator."""

from emulators.shopify.cli import main

main()
