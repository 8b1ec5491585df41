from emulators.odoo.cli import main

main()
