"""A backup's `manifest.json`: what the backup holds and how to tell it is intact.

One backup is one directory (`whitecell-<UTC time>/`): the database (`database.sqlite3`, or
`database.pgdump` in pg_dump's custom format), the uploaded files under `files/`, the server's
secret key when it lives in a file, and this manifest. Every file is listed with its size and
SHA-256, so a restore refuses a backup that was truncated or altered (docs/operations.md).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
HASH_CHUNK = 1024 * 1024  # bytes read at a time while hashing


class BackupInvalid(Exception):
    """A backup that is incomplete, altered, or of a format this build does not read."""


@dataclass
class FileEntry:
    """One file of the backup: its path inside the backup directory, size and SHA-256."""

    path: str
    size: int
    sha256: str


@dataclass
class Manifest:
    createdAt: str
    databaseKind: str  # "sqlite" | "postgresql"
    database: FileEntry
    alembicRevision: list[str]
    rowCounts: dict[str, int]
    # The highest change-log sequence the database had handed out (its log, its trim horizon,
    # its sequence counter): a restore moves past it (core/restore.py).
    highestSeq: int
    consumerOffsets: dict[str, int]
    files: list[FileEntry] = field(default_factory=list)  # uploaded files, under files/
    secretKey: FileEntry | None = None  # None: the key comes from WHITECELL_SECRET_KEY
    storage: str = "local"  # "local"; "s3" files are not copied (docs/operations.md)
    formatVersion: int = FORMAT_VERSION

    def write(self, directory: Path) -> None:
        text = json.dumps(asdict(self), indent=2, sort_keys=True)
        (directory / MANIFEST).write_text(text + "\n")

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        """The manifest of the backup in `directory`; BackupInvalid if missing or unreadable."""
        try:
            raw: dict[str, Any] = json.loads((directory / MANIFEST).read_text())
        except (OSError, ValueError) as error:
            raise BackupInvalid(f"{directory}: no readable {MANIFEST} ({error})") from None
        if raw.get("formatVersion") != FORMAT_VERSION:
            raise BackupInvalid(
                f"{directory}: manifest format {raw.get('formatVersion')!r}, this build reads "
                f"{FORMAT_VERSION}"
            )
        try:
            raw["database"] = FileEntry(**raw["database"])
            raw["files"] = [FileEntry(**entry) for entry in raw["files"]]
            if raw.get("secretKey") is not None:
                raw["secretKey"] = FileEntry(**raw["secretKey"])
            return cls(**raw)
        except (KeyError, TypeError) as error:
            raise BackupInvalid(f"{directory}: malformed {MANIFEST} ({error})") from None

    def entries(self) -> list[FileEntry]:
        """Every file the backup must hold, the database first."""
        secret = [self.secretKey] if self.secretKey else []
        return [self.database, *secret, *self.files]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def entry_for(directory: Path, path: Path) -> FileEntry:
    """The manifest entry of `path`, a file inside the backup `directory`."""
    return FileEntry(path.relative_to(directory).as_posix(), path.stat().st_size, sha256_of(path))


def verify_files(directory: Path, manifest: Manifest) -> None:
    """Raise BackupInvalid unless every file the manifest lists is there, of its size and hash,
    and no file the manifest does not list sits under `files/` (one put there by hand would be
    restored unchecked)."""
    for entry in manifest.entries():
        path = directory / entry.path
        if ".." in Path(entry.path).parts or not path.is_file():
            raise BackupInvalid(f"{directory}: {entry.path} is missing")
        if path.stat().st_size != entry.size or sha256_of(path) != entry.sha256:
            raise BackupInvalid(f"{directory}: {entry.path} does not match its manifest hash")
    listed = {entry.path for entry in manifest.files}
    files = directory / "files"
    if files.is_dir():
        for path in files.rglob("*"):
            if path.is_file() and path.relative_to(directory).as_posix() not in listed:
                rel = path.relative_to(directory).as_posix()
                raise BackupInvalid(f"{directory}: {rel} is not in the manifest")
