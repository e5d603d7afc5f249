"""Anki's `.apkg` package: reading the cards and their review state, writing one Anki opens.

The format is in ../shared/reference/domain-rules.md §7. Reading supports every generation
(`collection.anki2` of Anki 2.0 and genanki, `collection.anki21`, and the zstd-compressed
`collection.anki21b` of Anki 2.1.50+); writing produces the oldest, which every Anki imports.
Nothing here touches our database: the importer and exporter feed and drain these records.
"""

from __future__ import annotations

import hashlib
import html
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

FIELD_SEPARATOR = "\x1f"
DECK_SEPARATOR_V18 = "\x1f"
COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
# Anki's answer buttons and our 0-5 recall grades, both ways (docs/study.md).
GRADE_OF_BUTTON = {1: 1, 2: 3, 3: 4, 4: 5}
BUTTON_OF_GRADE = {0: 1, 1: 1, 2: 1, 3: 2, 4: 3, 5: 4}
MASTERED_DAYS = 21


class NotAnAnkiPackage(ValueError):
    """The file is not an `.apkg`, or its collection cannot be read."""


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


# -- text --------------------------------------------------------------------------------------

_BLOCK_END = re.compile(r"<\s*(br|/div|/p|/li|/h\d|/tr)\b[^>]*>", re.IGNORECASE)
_HIDDEN = re.compile(r"<\s*(style|script)\b.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_SOUND = re.compile(r"\[sound:[^\]]*\]")
_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)


def clean_html(value: str) -> str:
    """Anki's field HTML as plain text: line breaks kept, tags, sounds and entities resolved."""
    text = _HIDDEN.sub("", value)
    text = _BLOCK_END.sub("\n", text)
    text = _TAG.sub("", text)
    text = _SOUND.sub("", text)
    text = html.unescape(text).replace("\xa0", " ")
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

    return _CLOZE.sub(hide, text), ", ".join(answers)


# -- reading -----------------------------------------------------------------------------------


@contextmanager
def open_package(path: Path, *, max_collection_bytes: int) -> Iterator[Package]:
    """The package, whose `cards()` are read one at a time (a large deck is never in memory)."""
    with tempfile.TemporaryDirectory(prefix="whitecell-anki-") as directory:
        collection = Path(directory) / "collection.sqlite"
        _extract_collection(path, collection, max_collection_bytes)
        try:
            # Read from one worker thread at a time, never concurrently.
            connection = sqlite3.connect(
                f"file:{collection}?mode=ro", uri=True, check_same_thread=False
            )
        except sqlite3.Error as error:
            raise NotAnAnkiPackage(f"its collection cannot be opened ({error})") from None
        with closing(connection):
            # Anki 2.1.50+ declares name columns with its own collation; sorting needs it.
            connection.create_collation("unicase", _unicase)
            try:
                package = Package(connection)
            except (sqlite3.Error, KeyError, ValueError, TypeError) as error:
                raise NotAnAnkiPackage(
                    f"its collection is not an Anki collection ({error})"
                ) from None
            yield package


def _unicase(a: str, b: str) -> int:
    a, b = a.casefold(), b.casefold()
    return (a > b) - (a < b)


def _extract_collection(path: Path, target: Path, limit: int) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise NotAnAnkiPackage("it is not a zip archive") from None
    with archive:
        names = set(archive.namelist())
        name = next((n for n in COLLECTIONS if n in names), None)
        if name is None:
            raise NotAnAnkiPackage("it holds no Anki collection")
        try:
            with archive.open(name) as source:
                compressed = source.read(4) == ZSTD_MAGIC
            with archive.open(name) as source, target.open("wb") as out:
                if compressed:
                    _unzstd(source, out, limit)
                else:
                    _copy(source, out, limit)
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise NotAnAnkiPackage(f"its collection is damaged ({error})") from None


def _copy(source: Any, out: Any, limit: int) -> None:
    written = 0
    while chunk := source.read(1024 * 1024):
        written += len(chunk)
        if written > limit:
            raise NotAnAnkiPackage("its collection is larger than this server accepts")
        out.write(chunk)


def _unzstd(source: Any, out: Any, limit: int) -> None:
    import zstandard

    try:
        _copy(zstandard.ZstdDecompressor().stream_reader(source), out, limit)
    except zstandard.ZstdError as error:
        raise NotAnAnkiPackage(f"its compressed collection is damaged ({error})") from None


class Package:
    """An opened Anki collection. `skipped` counts cards with an empty side (image-only)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection
        self.skipped = 0
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if not {"col", "notes", "cards"} <= tables:
            raise ValueError("tables col, notes and cards are required")
        self.revlog = "revlog" in tables
        crt, decks_json, models_json = connection.execute(
            "SELECT crt, decks, models FROM col"
        ).fetchone()
        self.created = datetime.fromtimestamp(int(crt), UTC)
        self.cloze_models: set[int] = set()
        if "notetypes" in tables:  # schema 18: decks and note types have tables of their own
            self.decks = {
                int(i): str(n).replace(DECK_SEPARATOR_V18, "::")
                for i, n in connection.execute("SELECT id, name FROM decks")
            }
            for model_id, config in connection.execute("SELECT id, config FROM notetypes"):
                # NotetypeConfig.kind (protobuf field 1) = 1 for cloze; prost writes it first.
                if bytes(config or b"")[:2] == b"\x08\x01":
                    self.cloze_models.add(int(model_id))
        else:
            decks = orjson.loads(decks_json or "{}")
            self.decks = {int(i): str(d["name"]) for i, d in decks.items()}
            models = orjson.loads(models_json or "{}")
            self.cloze_models = {int(i) for i, m in models.items() if m.get("type") == 1}

    def cards(self) -> Iterator[Card]:
        rows = self.db.execute(
            "SELECT c.id, c.did, c.ord, c.type, c.queue, c.due, c.ivl, c.factor, c.reps, "
            "c.odid, n.mid, n.flds FROM cards c JOIN notes n ON n.id = c.nid ORDER BY c.id"
        )
        for row in rows:
            card = self._card(*row)
            if card is None:
                self.skipped += 1
            else:
                yield card

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
        model: int,
        fields: str,
    ) -> Card | None:
        values = [clean_html(value) for value in str(fields).split(FIELD_SEPARATOR)]
        raw_first = str(fields).split(FIELD_SEPARATOR)[0]
        if model in self.cloze_models or _CLOZE.search(raw_first):
            question, answer = cloze_sides(clean_html(raw_first), ordinal + 1)
        elif ordinal == 1 and len(values) > 1:  # the reversed card of "Basic (and reversed)"
            question, answer = values[1], values[0]
        else:
            question, answer = values[0], values[1] if len(values) > 1 else ""
        if not question or not answer:
            return None  # an image-only side, or a one-field note: nothing to ask or answer
        deck = self.decks.get(original_deck or deck_id, "Default")
        card = Card(question, answer, deck, reps=max(0, reps))
        card.ease = factor / 1000 if factor > 0 else 2.5
        card.interval = max(0, interval)  # negative intervals are seconds (old learning steps)
        if kind == 0:
            card.status = "new"
        elif kind in (1, 3):
            card.status = "learning"
        else:
            card.status = "mastered" if card.interval >= MASTERED_DAYS else "review"
        if kind != 0:
            card.due = self._due(queue, due)
        if self.revlog:
            card.reviews = self._reviews(card_id)
        return card

    def _due(self, queue: int, due: int) -> datetime:
        # Learning queues count epoch seconds; review queues days since the collection began.
        if queue in (1, 4) or due > 1_000_000_000:
            return datetime.fromtimestamp(due, UTC)
        return self.created + timedelta(days=due)

    def _reviews(self, card_id: int) -> list[Review]:
        reviews = []
        for at, button, interval, factor, spent in self.db.execute(
            "SELECT id, ease, ivl, factor, time FROM revlog WHERE cid = ? ORDER BY id", (card_id,)
        ):
            if button not in GRADE_OF_BUTTON:
                continue  # a manual reschedule, not a recall
            reviews.append(
                Review(
                    at=datetime.fromtimestamp(at / 1000, UTC),
                    quality=GRADE_OF_BUTTON[button],
                    ease=max(1.3, factor / 1000) if factor > 0 else 2.5,
                    interval=max(0, interval),
                    seconds=max(0, spent) / 1000,
                )
            )
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
