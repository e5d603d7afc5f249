"""Anki's `.apkg` package: reading the cards and their review state, writing one Anki opens.

The format is in ../shared/reference/domain-rules.md §7. Reading supports every generation
(`collection.anki2` of Anki 2.0 and genanki, `collection.anki21`, and the zstd-compressed
`collection.anki21b` of Anki 2.1.50+); writing produces the oldest, which every Anki imports.
Nothing here touches our database: the importer and exporter feed and drain these records.

A package comes from a stranger, so reading it is bounded (docs/study.md, "Anki decks in and
out"): the collection is inflated against a size cap whatever the archive declares; it is opened
read-only with SQLite's own defences for untrusted databases (https://www.sqlite.org/security.html);
its schema is checked (plain tables with the columns read, no views, no triggers) before any row is
read; rows are counted against caps before they are read; and every step watches a `Budget` of time
that also ends when the client goes away. The HTML cleaning runs in linear time (a quadratic regex
would hold the interpreter for minutes on a crafted field).

Why one file past ~400 lines (style.md, "Size and repetition"): it is one file format, written
against one reference. Reader and writer share the format's constants (the field separator, the
mapping between our grades and Anki's answer buttons) and its records (`Card`, `Review`), and the
reader's defences (caps, `Budget`, the schema check) guard one another only when read together.
The file reads top to bottom: limits, records, cleaning, reading, writing.
"""

from __future__ import annotations

import hashlib
import html
import lzma
import re
import sqlite3
import tempfile
import threading
import time
import zipfile
import zlib
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

FIELD_SEPARATOR = "\x1f"
DECK_SEPARATOR_V18 = "\x1f"
COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
# Zip members that are not media files: the collections, the media index, the format marker.
NOT_MEDIA = {*COLLECTIONS, "media", "meta"}
CENTRAL_DIRECTORY_SIGNATURE = b"PK\x01\x02"
# Signatures tolerated beyond the caps' entries, as media bytes may hold one by chance.
ENTRY_SLACK = 100
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
ZSTD_HEADER_BYTES = 18  # the longest zstd frame header, which declares the inflated size
# Anki's answer buttons and our 0-5 recall grades, both ways (docs/study.md).
GRADE_OF_BUTTON = {1: 1, 2: 3, 3: 4, 4: 5}
BUTTON_OF_GRADE = {0: 1, 1: 1, 2: 1, 3: 2, 4: 3, 5: 4}
MASTERED_DAYS = 21
MAX_INTERVAL_DAYS = 36_500  # Anki's own ceiling on an interval
MAX_REPS = 1_000_000
# A field's HTML beyond this many characters is cut before cleaning: the text we keep of it is
# at most 10,000 characters (the flashcard's limit), so the rest is markup at best.
MAX_FIELD_CHARS = 100_000
# A note is refused beyond these: Anki's note types hold a handful of fields, and a field's HTML
# is text (media are files of their own). Only the first two fields are read; the caps stop a
# 16 MB value of separators or one giant field from costing time and memory before that.
MAX_NOTE_FIELDS = 256
MAX_FIELD_TEXT = 1024 * 1024  # characters, "1 MB of text"
CLOZE_NESTING = 5  # levels of deletions inside deletions resolved
CHUNK = 1024 * 1024  # bytes inflated at a time
# SQLite runs the progress handler every this many virtual-machine instructions.
PROGRESS_STEPS = 1_000

# The tables read and the columns read from each (schema 11 and 18 alike). A collection must
# hold them as plain tables with at least these columns.
REQUIRED_COLUMNS = {
    "col": {"crt", "decks", "models"},
    "notes": {"id", "mid", "flds"},
    "cards": {"id", "nid", "did", "ord", "type", "queue", "due", "ivl", "factor", "reps", "odid"},
}
REVLOG_COLUMNS = {"id", "cid", "ease", "ivl", "factor", "time"}
# Schema 18 (Anki 2.1.28+) keeps decks and note types in tables of their own.
SCHEMA_18_COLUMNS = {"decks": {"id", "name"}, "notetypes": {"id", "config"}}

# SQLite's limits for an untrusted database (https://www.sqlite.org/limits.html). The values
# leave room for every table Anki writes and for the short queries below, and no more.
SQLITE_LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: 16 * 1024 * 1024,  # bytes in one value (the note types' JSON)
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,  # bytes in one statement
    sqlite3.SQLITE_LIMIT_COLUMN: 200,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 100,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 5,
    sqlite3.SQLITE_LIMIT_VDBE_OP: 100_000,
    sqlite3.SQLITE_LIMIT_FUNCTION_ARG: 8,
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 100,
    sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER: 10,
    sqlite3.SQLITE_LIMIT_TRIGGER_DEPTH: 1,
}
UNTRUSTED_PRAGMAS = (
    "PRAGMA trusted_schema = OFF",  # no SQL functions run from the schema's own text
    "PRAGMA cell_size_check = ON",  # a corrupt page is an error, not a wild read
    "PRAGMA mmap_size = 0",  # reads through the page cache only
    "PRAGMA query_only = ON",
)


# What PRAGMA table_list may report besides plain tables, as a refusal names them, most telling
# first (a virtual table before the shadow tables it keeps).
OTHER_KINDS = {"view": "view", "virtual": "virtual table", "shadow": "shadow table"}


# What zipfile raises for a damaged member: a bad header or CRC, corrupt deflate or LZMA data (bzip2
# raises OSError), an encrypted member (RuntimeError), a compression it does not know.
UNZIP_ERRORS = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    zlib.error,
    lzma.LZMAError,
    RuntimeError,
    NotImplementedError,
)


class NotAnAnkiPackage(ValueError):
    """The file is not an `.apkg`, or its collection cannot be read."""


class OverLimit(ValueError):
    """The package is larger than an import may be (cards, notes, media, bytes); the message
    names the cap."""


class OutOfTime(Exception):
    """The import took longer than its budget."""


class Abandoned(Exception):
    """The client that asked for the import went away."""


@dataclass(frozen=True)
class Limits:
    """What one import may hold (the `anki_*` settings)."""

    collection_bytes: int
    cards: int
    notes: int
    media_files: int
    reviews: int


class Budget:
    """The time one import may take, and whether its client is still there. Read from the
    worker thread (SQLite's progress handler), set from the event loop."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self._abandoned = threading.Event()

    def abandon(self) -> None:
        self._abandoned.set()

    def spent(self) -> bool:
        return self._abandoned.is_set() or time.monotonic() > self.deadline

    def check(self) -> None:
        """Raise `Abandoned` or `OutOfTime` once the work must stop."""
        if self._abandoned.is_set():
            raise Abandoned("the client went away")
        if time.monotonic() > self.deadline:
            raise OutOfTime(f"the import took longer than {self.seconds:g} s, the limit")


@dataclass
class Review:
    at: datetime
    quality: int
    ease: float
    interval: int
    seconds: float


@dataclass
class Card:
    """One card as we keep it: a question, an answer, a deck, and where its schedule stands."""

    question: str
    answer: str
    deck: str
    status: str = "new"  # new, learning, review, mastered
    interval: int = 0  # days
    ease: float = 2.5
    due: datetime | None = None  # None: due now (a new card)
    reps: int = 0
    reviews: list[Review] = field(default_factory=list)


@dataclass(frozen=True)
class NoteText:
    """A note's first two fields as plain text, read once however many cards share the note."""

    first: str
    second: str
    cloze: bool


@dataclass
class Deck:
    """Every card of a package, read and checked. `skipped` counts cards with an empty side."""

    cards: list[Card]
    skipped: int


# -- text --------------------------------------------------------------------------------------

# Every pattern stops at the next `<` (or `[`, `{{`) so that a field full of openings that never
# close costs one pass, not one pass per opening.
_HIDDEN_OPEN = re.compile(r"<\s*(style|script)\b", re.IGNORECASE)
_HIDDEN_CLOSE = {
    name: re.compile(rf"<\s*/\s*{name}\s*>", re.IGNORECASE) for name in ("style", "script")
}
# Inside a tag: plain characters, or a quoted attribute value (which may hold `<`, not `>`). The
# possessive `*+` never backtracks, so each tag is one pass.
_INSIDE_TAG = r"""(?:[^<>"']|"[^">]*"|'[^'>]*'|["'])*+"""
_BLOCK_END = re.compile(rf"<\s*(?:br|/div|/p|/li|/h\d|/tr)\b{_INSIDE_TAG}>", re.IGNORECASE)
_TAG = re.compile(rf"<{_INSIDE_TAG}>")
_SOUND = re.compile(r"\[sound:[^\[\]]*\]")
_CLOZE = re.compile(
    r"\{\{c(\d+)::((?:(?!::|\}\}|\{\{).)*)(?:::((?:(?!\}\}|\{\{).)*))?\}\}", re.DOTALL
)


def _without_hidden(text: str) -> str:
    """`text` without its `<style>` and `<script>` blocks, in one pass."""
    parts: list[str] = []
    position = 0
    unclosed: set[str] = set()  # no closing tag of this kind lies further on
    for opening in _HIDDEN_OPEN.finditer(text):
        kind = opening[1].lower()
        if opening.start() < position or kind in unclosed:
            continue
        close = _HIDDEN_CLOSE[kind].search(text, opening.end())
        if close is None:
            unclosed.add(kind)
            continue
        parts.append(text[position : opening.start()])
        position = close.end()
    parts.append(text[position:])
    return "".join(parts)


def clean_html(value: str) -> str:
    """Anki's field HTML as plain text: line breaks kept, tags, sounds and entities resolved."""
    text = _without_hidden(value)
    text = _BLOCK_END.sub("\n", text)
    text = _TAG.sub("", text)
    text = _SOUND.sub("", text)
    # NUL is no text anywhere (PostgreSQL refuses it); `&#0;` unescapes to U+FFFD.
    text = html.unescape(text).replace("\xa0", " ").replace("\x00", "")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line).strip()


def cloze_sides(text: str, number: int) -> tuple[str, str]:
    """Question and answer of cloze `number`: its deletions hidden (or their hint), others shown."""
    answers: list[str] = []

    def hide(match: re.Match[str]) -> str:
        if int(match[1]) != number:
            return match[2]
        answers.append(match[2])
        return f"[{match[3]}]" if match[3] else "[...]"

    # The pattern never spans `{{`, so a nested deletion is resolved before the one around it.
    for _ in range(CLOZE_NESTING):
        text, replaced = _CLOZE.subn(hide, text)
        if not replaced:
            break
    return text, ", ".join(answers)


# -- reading -----------------------------------------------------------------------------------


def read_package(path: Path, limits: Limits, budget: Budget) -> Deck:
    """Every card of the package at `path`, or `NotAnAnkiPackage`, `OverLimit`, `OutOfTime`,
    `Abandoned`. All of it is read before anything is stored, so a bad card refuses the deck."""
    with tempfile.TemporaryDirectory(prefix="whitecell-anki-") as directory:
        collection = Path(directory) / "collection.sqlite"
        extract_collection(path, collection, limits, budget)
        try:
            connection = open_untrusted(collection, budget)
        except sqlite3.Error as error:
            raise NotAnAnkiPackage(f"its collection cannot be opened ({error})") from None
        with closing(connection):
            try:
                package = Package(connection, limits, budget)
                cards = package.cards()
            # SQLite's message may quote the file's own bytes, which need not be UTF-8.
            except (sqlite3.Error, UnicodeDecodeError) as error:
                budget.check()  # an aborted query is the budget's doing
                raise NotAnAnkiPackage(
                    f"its collection is not an Anki collection ({error})"
                ) from None
            return Deck(cards, package.skipped)


def open_untrusted(path: Path, budget: Budget) -> sqlite3.Connection:
    """A read-only connection to the SQLite file at `path`, defended as SQLite advises for a
    database from a stranger; its statements are aborted once `budget` is spent."""
    # immutable: the copy is ours alone, so no locks and no journal are looked for.
    connection = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False
    )
    try:
        _defend(connection, budget)
    except sqlite3.Error:
        connection.close()
        raise
    return connection


def _defend(connection: sqlite3.Connection, budget: Budget) -> None:
    for category, value in SQLITE_LIMITS.items():
        connection.setlimit(category, value)
    for pragma in UNTRUSTED_PRAGMAS:
        connection.execute(pragma)
    # A non-zero answer aborts the running statement (sqlite3.OperationalError: interrupted).
    connection.set_progress_handler(lambda: int(budget.spent()), PROGRESS_STEPS)
    # Text that is not UTF-8 is read with replacement characters rather than failing the deck.
    connection.text_factory = lambda value: value.decode("utf-8", "replace")
    # Anki 2.1.50+ declares name columns with its own collation; sorting needs it.
    connection.create_collation("unicase", _unicase)


def _unicase(a: str, b: str) -> int:
    a, b = a.casefold(), b.casefold()
    return (a > b) - (a < b)


def extract_collection(path: Path, target: Path, limits: Limits, budget: Budget) -> None:
    """Inflate the package's collection to `target`, never past `limits.collection_bytes`: the
    sizes the archive and the zstd frame declare are checked first, and the bytes are counted as
    they come (a declaration may lie)."""
    # zipfile holds an object per entry of the archive's directory (some 450 bytes for 46 in the
    # file): the entries are bounded before it reads them.
    if _directory_entries_at_most(path) > limits.media_files + len(NOT_MEDIA) + ENTRY_SLACK:
        raise _too_many_media(limits)
    try:
        archive = zipfile.ZipFile(path)
    except (*UNZIP_ERRORS, ValueError):
        raise NotAnAnkiPackage("it is not a zip archive") from None
    with archive:
        members = archive.infolist()
        media = sum(1 for member in members if member.filename not in NOT_MEDIA)
        if media > limits.media_files:
            raise _too_many_media(limits)
        by_name = {member.filename: member for member in members}
        member = next((by_name[n] for n in COLLECTIONS if n in by_name), None)
        if member is None:
            raise NotAnAnkiPackage("it holds no Anki collection")
        if member.file_size > limits.collection_bytes:
            raise _too_large(limits)
        try:
            with archive.open(member) as source:
                header = source.read(ZSTD_HEADER_BYTES)
            with archive.open(member) as source, target.open("wb") as out:
                if header.startswith(ZSTD_MAGIC):
                    _unzstd(header, source, out, limits, budget)
                else:
                    _copy(source, out, limits, budget)
        except UNZIP_ERRORS as error:
            raise NotAnAnkiPackage(f"its collection is damaged ({error})") from None


def _directory_entries_at_most(path: Path) -> int:
    """An upper bound on the entries of the zip's central directory: each one opens with its
    signature, so there are no more entries than signatures in the file."""
    count, tail = 0, b""
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            window = tail + chunk
            count += window.count(CENTRAL_DIRECTORY_SIGNATURE)
            # Keep the last 3 bytes: a signature may straddle two chunks, but never be counted
            # twice (a whole one cannot fit in 3 bytes).
            tail = window[-(len(CENTRAL_DIRECTORY_SIGNATURE) - 1) :]
    return count


def _too_many_media(limits: Limits) -> OverLimit:
    cap = limits.media_files
    return OverLimit(f"has more than {cap} media files; the limit is {cap}")


def _too_large(limits: Limits) -> OverLimit:
    megabytes = f"{limits.collection_bytes / (1024 * 1024):g} MB"
    return OverLimit(f"its collection inflates to more than {megabytes}; the limit is {megabytes}")


def _copy(source: Any, out: Any, limits: Limits, budget: Budget) -> None:
    written = 0
    while chunk := source.read(CHUNK):
        budget.check()
        written += len(chunk)
        if written > limits.collection_bytes:
            raise _too_large(limits)
        out.write(chunk)


def _unzstd(header: bytes, source: Any, out: Any, limits: Limits, budget: Budget) -> None:
    import zstandard  # only Anki 2.1.50+ packages need it: loaded on first use

    try:
        declared = zstandard.get_frame_parameters(header).content_size
        if declared != zstandard.CONTENTSIZE_UNKNOWN and declared > limits.collection_bytes:
            raise _too_large(limits)
        # The window is the decoder's memory: 128 MiB is zstd's own default ceiling.
        decompressor = zstandard.ZstdDecompressor(max_window_size=1 << 27)
        _copy(decompressor.stream_reader(source), out, limits, budget)
    except zstandard.ZstdError as error:
        raise NotAnAnkiPackage(f"its compressed collection is damaged ({error})") from None


def _checked_schema(connection: sqlite3.Connection) -> set[str]:
    """The names of the collection's tables (lower case), once its schema has been found to be
    plain tables holding the columns read; `NotAnAnkiPackage` otherwise. Only the schema is read
    here, never a row: a view or a trigger could run any query."""
    for kind, name in connection.execute("SELECT type, name FROM sqlite_master"):
        if kind in ("view", "trigger"):
            raise NotAnAnkiPackage(f"its collection holds a {kind} ({name}); Anki writes none")
    tables: set[str] = set()
    others: list[tuple[str, str]] = []
    # table_list reports what SQLite built from the schema, whatever sqlite_master claims.
    for schema, name, kind, *_ in connection.execute("PRAGMA table_list"):
        if schema != "main":
            continue
        if kind == "table":
            tables.add(str(name).lower())
        else:
            others.append((kind, str(name)))
    if others:
        rank = {kind: position for position, kind in enumerate(OTHER_KINDS)}
        kind, name = min(others, key=lambda other: rank.get(other[0], len(rank)))
        kind = OTHER_KINDS.get(kind, str(kind))
        raise NotAnAnkiPackage(f"its collection holds a {kind} ({name}); Anki writes none")
    expected = dict(REQUIRED_COLUMNS)
    if "revlog" in tables:
        expected["revlog"] = REVLOG_COLUMNS
    if "notetypes" in tables:
        expected.update(SCHEMA_18_COLUMNS)
    for table, needed in expected.items():
        if table not in tables:
            raise NotAnAnkiPackage(f"its collection has no {table} table")
        columns: set[str] = set()
        for column in connection.execute(f'PRAGMA table_xinfo("{table}")'):
            if column[6] != 0:  # `hidden`: a generated column computes what it holds
                raise NotAnAnkiPackage(f"its {table} table has a computed column ({column[1]})")
            columns.add(str(column[1]).lower())
        if missing := needed - columns:
            raise NotAnAnkiPackage(f"its {table} table lacks {', '.join(sorted(missing))}")
    return tables


def _integer(value: object, what: str) -> int:
    if not isinstance(value, int):
        raise ValueError(f"{what} is not a whole number")
    return value


def _moment(seconds: float) -> datetime:
    """The instant `seconds` after the epoch, or ValueError if it is outside 1970-9999."""
    if not 0 <= seconds < 253_402_300_800:  # 10000-01-01T00:00:00Z
        raise ValueError("a date is out of range")
    return datetime.fromtimestamp(seconds, UTC)


class Package:
    """An opened Anki collection, its schema checked and its size counted against the caps."""

    def __init__(self, connection: sqlite3.Connection, limits: Limits, budget: Budget) -> None:
        self.db = connection
        self.budget = budget
        self.skipped = 0
        self.notes: dict[int, NoteText] = {}  # by the note's rowid
        tables = _checked_schema(connection)
        for table, cap, what in (
            ("cards", limits.cards, "cards"),
            ("notes", limits.notes, "notes"),
            ("revlog", limits.reviews, "reviews in its review log"),
        ):
            if table in tables and self._count(table, cap) > cap:
                raise OverLimit(f"has more than {cap} {what}; the limit is {cap}")
        self.text_limit = limits.collection_bytes
        try:
            self._read_collection(tables)
        except (KeyError, ValueError, TypeError, AttributeError, OverflowError) as error:
            raise NotAnAnkiPackage(f"its collection is not an Anki collection ({error})") from None
        self.reviews = self._reviews() if "revlog" in tables else {}

    def _count(self, table: str, cap: int) -> int:
        # Counting stops one past the cap: a huge table costs no more than a legal one.
        row = self.db.execute(f'SELECT count(*) FROM (SELECT 1 FROM "{table}" LIMIT ?)', (cap + 1,))
        return int(row.fetchone()[0])

    def _read_collection(self, tables: set[str]) -> None:
        crt, decks_json, models_json = self.db.execute(
            "SELECT crt, decks, models FROM col"
        ).fetchone()
        self.created = _moment(_integer(crt, "the collection's creation"))
        self.cloze_models: set[int] = set()
        if "notetypes" in tables:  # schema 18: decks and note types have tables of their own
            self.decks = {
                _integer(i, "a deck id"): str(n).replace(DECK_SEPARATOR_V18, "::")
                for i, n in self.db.execute("SELECT id, name FROM decks")
            }
            for model_id, config in self.db.execute("SELECT id, config FROM notetypes"):
                # NotetypeConfig.kind (protobuf field 1) = 1 for cloze; prost writes it first.
                if bytes(config or b"")[:2] == b"\x08\x01":
                    self.cloze_models.add(_integer(model_id, "a note type id"))
        else:
            decks = orjson.loads(decks_json or "{}")
            self.decks = {int(i): str(d["name"]) for i, d in decks.items()}
            models = orjson.loads(models_json or "{}")
            self.cloze_models = {int(i) for i, m in models.items() if m.get("type") == 1}

    def cards(self) -> list[Card]:
        """Every card, or `NotAnAnkiPackage` naming the first that cannot be read."""
        # The note's fields are fetched on their own, once per note (`_note`): several cards may
        # share a note, and its value may hold up to 16 MB.
        rows = self.db.execute(
            "SELECT c.id, c.did, c.ord, c.type, c.queue, c.due, c.ivl, c.factor, c.reps, "
            "c.odid, n.id, n.rowid, n.mid FROM cards c JOIN notes n ON n.id = c.nid ORDER BY c.id"
        )
        cards: list[Card] = []
        text = 0
        for number, row in enumerate(rows, start=1):
            self.budget.check()
            try:
                card = self._card(*row)
            except OverLimit:
                raise
            except (ValueError, TypeError, OverflowError, OSError) as error:
                raise NotAnAnkiPackage(f"card {number} cannot be read ({error})") from None
            if card is None:
                self.skipped += 1
                continue
            text += len(card.question) + len(card.answer)
            if text > self.text_limit:
                megabytes = f"{self.text_limit / (1024 * 1024):g} MB"
                raise OverLimit(
                    f"its cards hold more than {megabytes} of text; the limit is {megabytes}"
                )
            cards.append(card)
        return cards

    def _card(
        self,
        card_id: int,
        deck_id: int,
        ordinal: int,
        kind: int,
        queue: int,
        due: int,
        interval: int,
        factor: int,
        reps: int,
        original_deck: int,
        note_id: int,
        note_row: int,
        model: int,
    ) -> Card | None:
        note = self._note(note_id, note_row, model)
        if note.cloze:
            question, answer = cloze_sides(note.first, _integer(ordinal, "ord") + 1)
        elif ordinal == 1:  # the reversed card of "Basic (and reversed)"
            question, answer = note.second, note.first
        else:
            question, answer = note.first, note.second
        if not question or not answer:
            return None  # an image-only side, or a one-field note: nothing to ask or answer
        deck = self.decks.get(original_deck or deck_id, "Default").replace("\x00", "")
        card = Card(question, answer, deck, reps=min(MAX_REPS, max(0, _integer(reps, "reps"))))
        factor = _integer(factor, "factor")
        card.ease = factor / 1000 if factor > 0 else 2.5
        # Negative intervals are seconds (old learning steps).
        card.interval = min(MAX_INTERVAL_DAYS, max(0, _integer(interval, "ivl")))
        kind = _integer(kind, "type")
        if kind == 0:
            card.status = "new"
        elif kind in (1, 3):
            card.status = "learning"
        else:
            card.status = "mastered" if card.interval >= MASTERED_DAYS else "review"
        if kind != 0:
            card.due = self._due(_integer(queue, "queue"), _integer(due, "due"))
        card.reviews = self.reviews.get(card_id, [])
        return card

    def _note(self, note_id: int, note_row: int, model: int) -> NoteText:
        """The note's text, read and cleaned on its first card and kept for the others; a note
        past the field caps is `OverLimit` before anything of it is cleaned."""
        if (known := self.notes.get(note_row)) is not None:
            return known
        row = self.db.execute("SELECT flds FROM notes WHERE rowid = ?", (note_row,)).fetchone()
        fields = row[0] if row else None
        if not isinstance(fields, str):
            raise ValueError("its note's fields are not text")
        # Counting runs in C over the value; splitting waits until the count is known sane.
        if (count := fields.count(FIELD_SEPARATOR) + 1) > MAX_NOTE_FIELDS:
            raise OverLimit(f"note {note_id} has {count} fields; the limit is {MAX_NOTE_FIELDS}")
        values = fields.split(FIELD_SEPARATOR)
        if max(len(value) for value in values) > MAX_FIELD_TEXT:
            megabytes = f"{MAX_FIELD_TEXT / (1024 * 1024):g} MB"
            raise OverLimit(
                f"note {note_id} has a field of more than {megabytes} of text; "
                f"the limit is {megabytes}"
            )
        self.budget.check()
        raw = [value[:MAX_FIELD_CHARS] for value in values[:2]]
        note = NoteText(
            first=clean_html(raw[0]),
            second=clean_html(raw[1]) if len(raw) > 1 else "",
            cloze=model in self.cloze_models or _CLOZE.search(raw[0]) is not None,
        )
        self.notes[note_row] = note
        return note

    def _due(self, queue: int, due: int) -> datetime:
        # Learning queues count epoch seconds; review queues days since the collection began.
        if queue in (1, 4) or due > 1_000_000_000:
            return _moment(due)
        return _moment((self.created + timedelta(days=due)).timestamp())

    def _reviews(self) -> dict[int, list[Review]]:
        """The review log by card, oldest first (manual reschedules left out)."""
        reviews: dict[int, list[Review]] = {}
        rows = self.db.execute(
            "SELECT cid, id, ease, ivl, factor, time FROM revlog ORDER BY cid, id"
        )
        for number, (card_id, at, button, interval, factor, spent) in enumerate(rows, start=1):
            if number % 1000 == 0:
                self.budget.check()
            if button not in GRADE_OF_BUTTON:
                continue  # a manual reschedule, not a recall
            try:
                review = Review(
                    at=_moment(_integer(at, "a review's id") / 1000),
                    quality=GRADE_OF_BUTTON[button],
                    ease=max(1.3, factor / 1000) if _integer(factor, "factor") > 0 else 2.5,
                    interval=min(MAX_INTERVAL_DAYS, max(0, _integer(interval, "ivl"))),
                    seconds=max(0, _integer(spent, "time")) / 1000,
                )
            except (ValueError, TypeError, OverflowError) as error:
                raise NotAnAnkiPackage(f"review {number} cannot be read ({error})") from None
            reviews.setdefault(card_id, []).append(review)
        return reviews


# -- writing -----------------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE col (id integer primary key, crt integer not null, mod integer not null,
  scm integer not null, ver integer not null, dty integer not null, usn integer not null,
  ls integer not null, conf text not null, models text not null, decks text not null,
  dconf text not null, tags text not null);
CREATE TABLE notes (id integer primary key, guid text not null, mid integer not null,
  mod integer not null, usn integer not null, tags text not null, flds text not null,
  sfld integer not null, csum integer not null, flags integer not null, data text not null);
CREATE TABLE cards (id integer primary key, nid integer not null, did integer not null,
  ord integer not null, mod integer not null, usn integer not null, type integer not null,
  queue integer not null, due integer not null, ivl integer not null, factor integer not null,
  reps integer not null, lapses integer not null, left integer not null, odue integer not null,
  odid integer not null, flags integer not null, data text not null);
CREATE TABLE revlog (id integer primary key, cid integer not null, usn integer not null,
  ease integer not null, ivl integer not null, lastIvl integer not null, factor integer not null,
  time integer not null, type integer not null);
CREATE TABLE graves (usn integer not null, oid integer not null, type integer not null);
CREATE INDEX ix_notes_usn on notes (usn);
CREATE INDEX ix_cards_usn on cards (usn);
CREATE INDEX ix_revlog_usn on revlog (usn);
CREATE INDEX ix_cards_nid on cards (nid);
CREATE INDEX ix_cards_sched on cards (did, queue, due);
CREATE INDEX ix_revlog_cid on revlog (cid);
CREATE INDEX ix_notes_csum on notes (csum);
"""

EXPORT_EPOCH_DAYS = 20 * 365
MODEL_ID = 1_607_392_319_000  # fixed, so cards exported twice land in the same note type
_DECK_CONFIG = {
    "1": {
        "id": 1,
        "name": "Default",
        "mod": 0,
        "usn": 0,
        "maxTaken": 60,
        "timer": 0,
        "autoplay": True,
        "replayq": True,
        "new": {
            "bury": True,
            "delays": [1, 10],
            "initialFactor": 2500,
            "ints": [1, 4, 7],
            "order": 1,
            "perDay": 20,
            "separate": True,
        },
        "lapse": {"delays": [10], "leechAction": 0, "leechFails": 8, "minInt": 1, "mult": 0},
        "rev": {
            "bury": True,
            "ease4": 1.3,
            "fuzz": 0.05,
            "ivlFct": 1,
            "maxIvl": 36500,
            "minSpace": 1,
            "perDay": 100,
        },
    }
}


def _model(now: int) -> dict[str, Any]:
    def field_spec(name: str, ordinal: int) -> dict[str, Any]:
        return {
            "name": name,
            "ord": ordinal,
            "font": "Arial",
            "media": [],
            "rtl": False,
            "size": 20,
            "sticky": False,
        }

    template = {
        "name": "Card 1",
        "ord": 0,
        "qfmt": "{{Front}}",
        "afmt": "{{FrontSide}}<hr id=answer>{{Back}}",
        "bqfmt": "",
        "bafmt": "",
        "bfont": "",
        "bsize": 0,
        "did": None,
    }
    return {
        "id": str(MODEL_ID),
        "name": "White Cell Basic",
        "type": 0,
        "mod": now,
        "usn": -1,
        "sortf": 0,
        "did": 1,
        "tmpls": [template],
        "flds": [field_spec("Front", 0), field_spec("Back", 1)],
        "css": ".card { font-family: arial; font-size: 20px; text-align: center; }",
        "latexPre": "\\documentclass[12pt]{article}\n\\begin{document}\n",
        "latexPost": "\\end{document}",
        "latexsvg": False,
        "req": [[0, "any", [0]]],
        "tags": [],
        "vers": [],
    }


def _deck(deck_id: int, name: str, now: int) -> dict[str, Any]:
    return {
        "id": deck_id,
        "name": name,
        "desc": "",
        "dyn": 0,
        "conf": 1,
        "collapsed": False,
        "extendNew": 10,
        "extendRev": 50,
        "mod": now,
        "usn": -1,
        "newToday": [0, 0],
        "revToday": [0, 0],
        "lrnToday": [0, 0],
        "timeToday": [0, 0],
    }


def _as_html(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _checksum(first_field: str) -> int:
    return int(hashlib.sha1(first_field.encode()).hexdigest()[:8], 16)  # noqa: S324 (Anki's)


def write_package(cards: Iterable[tuple[str, Card]], target: Path, *, now: datetime) -> int:
    """Write `(guid, card)` pairs as an Anki 2.0 package at `target`; returns the card count.

    Decks are named after subjects; the schedule goes over as Anki review cards (due on a day),
    new cards stay new, and `reviewHistory` becomes the review log.
    """
    stamp = int(now.timestamp())
    # Review cards are due on "days since the collection began": begin well before any due day.
    began = datetime(now.year, now.month, now.day, tzinfo=UTC) - timedelta(days=EXPORT_EPOCH_DAYS)
    created = int(began.timestamp())
    decks: dict[str, int] = {}
    count = 0
    with tempfile.TemporaryDirectory(prefix="whitecell-anki-") as directory:
        collection = Path(directory) / "collection.anki2"
        with closing(sqlite3.connect(collection)) as db:
            db.executescript(_SCHEMA)
            used_ids: set[int] = set()
            for count, (guid, card) in enumerate(cards, start=1):
                deck_id = decks.setdefault(card.deck, 1_700_000_000_000 + len(decks) + 1)
                note_id = card_id = stamp * 1000 + count
                front, back = _as_html(card.question), _as_html(card.answer)
                db.execute(
                    "INSERT INTO notes VALUES (?, ?, ?, ?, -1, '', ?, ?, ?, 0, '')",
                    (
                        note_id,
                        guid,
                        MODEL_ID,
                        stamp,
                        f"{front}{FIELD_SEPARATOR}{back}",
                        card.question,
                        _checksum(card.question),
                    ),
                )
                kind, queue, due = 0, 0, count  # a new card: due is its position
                if card.status != "new" and card.due is not None:
                    kind = queue = 2
                    due = max(0, (card.due.astimezone(UTC) - began).days)
                factor = round(card.ease * 1000) if kind else 0
                db.execute(
                    "INSERT INTO cards VALUES "
                    "(?, ?, ?, 0, ?, -1, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, '')",
                    (
                        card_id,
                        note_id,
                        deck_id,
                        stamp,
                        kind,
                        queue,
                        due,
                        card.interval if kind else 0,
                        factor,
                        card.reps,
                    ),
                )
                last_interval = 0
                for review in card.reviews:
                    moment = int(review.at.timestamp() * 1000)
                    while moment in used_ids:  # the review log's key is its millisecond
                        moment += 1
                    used_ids.add(moment)
                    db.execute(
                        "INSERT INTO revlog VALUES (?, ?, -1, ?, ?, ?, ?, ?, 1)",
                        (
                            moment,
                            card_id,
                            BUTTON_OF_GRADE[review.quality],
                            review.interval,
                            last_interval,
                            round(review.ease * 1000),
                            min(60_000, round(review.seconds * 1000)),
                        ),
                    )
                    last_interval = review.interval
            deck_json = {"1": _deck(1, "Default", stamp)}
            for name, deck_id in decks.items():
                deck_json[str(deck_id)] = _deck(deck_id, name, stamp)
            conf = {
                "nextPos": count + 1,
                "curDeck": 1,
                "activeDecks": [1],
                "curModel": str(MODEL_ID),
            }
            db.execute(
                "INSERT INTO col VALUES (1, ?, ?, ?, 11, 0, 0, 0, ?, ?, ?, ?, '{}')",
                (
                    created,
                    stamp * 1000,
                    stamp * 1000,
                    orjson.dumps(conf).decode(),
                    orjson.dumps({str(MODEL_ID): _model(stamp)}).decode(),
                    orjson.dumps(deck_json).decode(),
                    orjson.dumps(_DECK_CONFIG).decode(),
                ),
            )
            db.commit()
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(collection, "collection.anki2")
            archive.writestr("media", "{}")
    return count
