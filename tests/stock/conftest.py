"""The ledger fixture (SQLite, and PostgreSQL when it answers): the stock tables live in the ledger's database."""

from tests.ledger.conftest import ledger, postgres_ledger_url  # noqa: F401 (re-exported fixtures)
