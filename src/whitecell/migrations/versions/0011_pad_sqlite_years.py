"""SQLite timestamps of years 1-999 zero-padded, so that text order is time order again.

Earlier code wrote SQLite timestamps with strftime, whose %Y does not pad years before 1000 on
Linux ('999-06-01 00:00:00.000000'). The code now writes 'YYYY-MM-DD HH:MM:SS.ffffff' always and
still reads the old shape, but rows already stored sort (as text) after every later year in
lists, range filters and cursors. This rewrites them in the padded form.

The timestamp columns are found in the live schema, not in the code's declarations (a migration
must not import them): on SQLite every timestamp column (`UTCDateTime`, SQLAlchemy's `DateTime`)
is declared DATETIME. Dates are written by `date.isoformat`, and timestamps inside JSON by
`isoformat`, both padded: they need nothing. PostgreSQL keeps timestamps as `timestamptz`, so
there is nothing to do there.

Downgrade undoes nothing: a padded value is exactly what the earlier code writes for years from
1000 on, and what every version reads.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A value is unpadded when its year, the text before the first '-', has 1 to 3 digits; it gets
# 4 - len(year) zeros in front. NULLs and other types are left as they are.
PAD = (
    'UPDATE "{table}" SET "{column}" = substr(\'000\', 1, 5 - instr("{column}", \'-\')) '
    '|| "{column}" WHERE typeof("{column}") = \'text\' '
    "AND instr(\"{column}\", '-') BETWEEN 2 AND 4"
)


def _timestamp_columns(connection: sa.Connection) -> list[tuple[str, str]]:
    """Every (table, column) of the live SQLite schema declared DATETIME."""
    tables = connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
        "ESCAPE '\\' ORDER BY name"
    ).scalars()
    found = []
    for table in list(tables):
        quoted = table.replace('"', '""')
        for row in connection.exec_driver_sql(f'PRAGMA table_info("{quoted}")'):
            if str(row[2]).upper() == "DATETIME":
                found.append((table, str(row[1])))
    return found


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    for table, column in _timestamp_columns(connection):
        connection.exec_driver_sql(
            PAD.format(table=table.replace('"', '""'), column=column.replace('"', '""'))
        )


def downgrade() -> None:
    """Nothing to undo: padded years are what every version writes from the year 1000 on."""
