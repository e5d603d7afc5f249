"""Schema machinery shared by migrations and tools: the metadata every SQL table is attached to,
UTC timestamps, URLs and SQLite pragmas. The data path itself is `whitecell.core.store`.

`Base.metadata` holds the whole SQL schema, which the migrations must equal: the tables derived
from the declarations (`core/ddl.py`), the few written as SQLAlchemy Core tables (`change_log`,
`quiz_drafts`) and the legacy ORM mirrors (`users/models.py`, `auth/models.py`,
`RateLimitCounter` in `core/ratelimit.py`). `Base` is an ORM base only for those mirrors; nothing
queries through the ORM (`core/store.py` says why).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData
from sqlalchemy.engine import URL, Dialect, make_url
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_PRAGMAS = (
    "PRAGMA busy_timeout = 10000",  # first, so the WAL switch below can wait for a lock
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",  # durable across application crashes; WAL keeps it consistent
    "PRAGMA foreign_keys = ON",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA cache_size = -32000",
    "PRAGMA journal_size_limit = 200000000",
)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both databases (SQLite keeps naive UTC text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; use whitecell.core.clock.utcnow()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime}


def sync_url(url: str) -> URL:
    """The URL for synchronous work (migrations, CLI): sqlite3 or psycopg."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite")
    if parsed.get_backend_name() in {"postgresql", "postgres"}:
        return parsed.set(drivername="postgresql+psycopg")
    raise ValueError(
        f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql"
    )


def prepare_sqlite_file(url: URL) -> None:
    """Create the directory of a file database so a fresh checkout needs no setup."""
    from pathlib import Path

    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
