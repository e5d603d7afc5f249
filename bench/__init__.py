"""`make bench`: the API against a bare-driver floor, on SQLite and PostgreSQL (see README.md)."""
