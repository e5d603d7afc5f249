"""Anki packages made by independent tools: genanki (Anki 2.0 format) and Anki itself (2.1.50+),
and hostile ones built from them (views, triggers, bombs) for the import's defences."""

from __future__ import annotations

import io
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

import genanki
import zstandard

CLOZE = genanki.CLOZE_MODEL
BASIC = genanki.BASIC_MODEL
REVERSED = genanki.BASIC_AND_REVERSED_CARD_MODEL


def genanki_deck(
    path: Path,
    deck: str,
    notes: Sequence[tuple[genanki.Model, list[str]]],
    deck_id: int = 2059400110,
) -> Path:
    package_deck = genanki.Deck(deck_id, deck)
    for model, fields in notes:
        package_deck.add_note(genanki.Note(model=model, fields=fields))
    genanki.Package(package_deck).write_to_file(str(path), timestamp=1_700_000_000)
    return path


def set_review_state(path: Path, question_like: str, **columns: Any) -> None:
    """Give the card whose note's first field contains `question_like` a review state, as the
    reference recommends for genanki fixtures (genanki writes every card new)."""
    with tempfile.TemporaryDirectory() as directory:
        collection = Path(directory) / "collection.anki2"
        with zipfile.ZipFile(path) as archive:
            collection.write_bytes(archive.read("collection.anki2"))
            media = archive.read("media")
        with closing(sqlite3.connect(collection)) as db:
            assignments = ", ".join(f"{name} = ?" for name in columns)
            db.execute(
                f"UPDATE cards SET {assignments} WHERE nid IN "
                "(SELECT id FROM notes WHERE flds LIKE ?)",
                (*columns.values(), f"%{question_like}%"),
            )
            db.commit()
        rebuilt = Path(directory) / "deck.apkg"
        with zipfile.ZipFile(rebuilt, "w") as archive:
            archive.write(collection, "collection.anki2")
            archive.writestr("media", media)
        shutil.copyfile(rebuilt, path)


def rewritten(path: Path, *statements: str) -> Path:
    """The genanki package at `path` with SQL `statements` run on its collection, in place."""
    with tempfile.TemporaryDirectory() as directory:
        collection = Path(directory) / "collection.anki2"
        with zipfile.ZipFile(path) as archive:
            collection.write_bytes(archive.read("collection.anki2"))
        with closing(sqlite3.connect(collection)) as db:
            for statement in statements:
                db.execute(statement)
            db.commit()
        path.write_bytes(package(collection_anki2=collection.read_bytes(), media=b"{}"))
    return path


def package(compression: int = zipfile.ZIP_DEFLATED, **members: bytes) -> bytes:
    """A zip archive of `members` (`collection_anki2` names `collection.anki2`)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name.replace("_", "."), content)
    return buffer.getvalue()


def zstd_bomb(size: int, *, declared: bool) -> bytes:
    """A few kilobytes of zstd that inflate to `size` zero bytes; the frame states its size or
    not, as Anki's own writer does not."""
    zeros = b"\0" * (1024 * 1024)
    if declared:
        return zstandard.ZstdCompressor().compress(zeros * (size // len(zeros)))
    out = io.BytesIO()
    with zstandard.ZstdCompressor().stream_writer(out, closefd=False) as writer:
        for _ in range(size // len(zeros)):
            writer.write(zeros)
    return out.getvalue()


def collection_crt(path: Path) -> int:
    with tempfile.TemporaryDirectory() as directory:
        collection = Path(directory) / "c"
        with zipfile.ZipFile(path) as archive:
            collection.write_bytes(archive.read("collection.anki2"))
        with closing(sqlite3.connect(collection)) as db:
            return int(db.execute("SELECT crt FROM col").fetchone()[0])


def anki_deck(path: Path, *, legacy: bool) -> Path:
    """A deck exported by Anki itself: a reviewed Basic card, a new one, a cloze note."""
    from anki.collection import Collection, DeckIdLimit, ExportAnkiPackageOptions

    with tempfile.TemporaryDirectory() as directory:
        col = Collection(str(Path(directory) / "collection.anki2"))
        try:
            deck_id = col.decks.id("Biology::Cells")
            basic = col.models.by_name("Basic")
            for front, back in [
                ("What is the <b>powerhouse</b> of the cell?", "Mitochondria&nbsp;<br>(makes ATP)"),
                ("Where is DNA kept?", "<div>The nucleus</div>"),
            ]:
                note = col.new_note(basic)
                note["Front"], note["Back"] = front, back
                col.add_note(note, deck_id)
            cloze = col.new_note(col.models.by_name("Cloze"))
            cloze["Text"] = "{{c1::Glycolysis}} happens in the {{c2::cytoplasm::place}}."
            col.add_note(cloze, deck_id)
            col.decks.select(deck_id)
            card = col.sched.getCard()
            assert card is not None and "powerhouse" in card.question()
            card.start_timer()
            col.sched.answerCard(card, 4)  # Easy
            options = ExportAnkiPackageOptions(
                with_scheduling=True, with_deck_configs=True, with_media=True, legacy=legacy
            )
            col.export_anki_package(out_path=str(path), options=options, limit=DeckIdLimit(deck_id))
        finally:
            col.close()
    return path


def open_in_anki(package: Path) -> list[dict[str, Any]]:
    """Import `package` into a fresh Anki collection; its cards as Anki sees them."""
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    with tempfile.TemporaryDirectory() as directory:
        col = Collection(str(Path(directory) / "collection.anki2"))
        try:
            request = ImportAnkiPackageRequest(
                package_path=str(package),
                options=ImportAnkiPackageOptions(with_scheduling=True),
            )
            col.import_anki_package(request)
            today = col.sched.today
            cards = []
            for card_id in col.find_cards(""):
                card = col.get_card(card_id)
                note = card.note()
                cards.append(
                    {
                        "front": note.fields[0],
                        "back": note.fields[1],
                        "deck": col.decks.name(card.did),
                        "type": card.type,
                        "ivl": card.ivl,
                        "factor": card.factor,
                        "reps": card.reps,
                        "due_in_days": card.due - today if card.type == 2 else None,
                        "reviews": col.db.scalar(
                            "SELECT count() FROM revlog WHERE cid = ?", card_id
                        ),
                    }
                )
            return cards
        finally:
            col.close()


def one_note_deck(path: Path, fields: str, cards: int) -> Path:
    """A package of one note whose `flds` is `fields` as given (separators and all), with `cards`
    cards pointing at it: a shared note is read once per card unless the reader caches it."""
    genanki_deck(path, "One note", [(BASIC, ["Q", "A"])])
    with tempfile.TemporaryDirectory() as directory:
        collection = Path(directory) / "collection.anki2"
        with zipfile.ZipFile(path) as archive:
            collection.write_bytes(archive.read("collection.anki2"))
        with closing(sqlite3.connect(collection)) as db:
            db.execute("UPDATE notes SET flds = ?", (fields,))
            first = db.execute("SELECT * FROM cards").fetchone()
            for extra in range(1, cards):
                # ord 2 onwards: further templates, which ask the first field like card 1.
                db.execute(
                    f"INSERT INTO cards VALUES ({', '.join('?' * len(first))})",
                    (first[0] + extra, first[1], first[2], extra + 1, *first[4:]),
                )
            db.commit()
        path.write_bytes(package(collection_anki2=collection.read_bytes(), media=b"{}"))
    return path
