"""Every table of the schema, imported in one place so Alembic and tests see the whole metadata:
each domain's `tables.py` (the list in `domains.py`) and core's own SQL tables."""

from whitecell.core.changelog import CHANGE_LOG, CHANGE_LOG_HORIZON
from whitecell.core.ddl import build_all
from whitecell.core.ratelimit import RateLimitCounter
from whitecell.core.tables import REGISTRY
from whitecell.domains import DOMAINS

DECLARED = tuple(domain.tables for domain in DOMAINS if domain.tables is not None)
SQL_TABLES = build_all(list(REGISTRY.values()))

__all__ = [
    "CHANGE_LOG",
    "CHANGE_LOG_HORIZON",
    "DECLARED",
    "REGISTRY",
    "SQL_TABLES",
    "RateLimitCounter",
]
