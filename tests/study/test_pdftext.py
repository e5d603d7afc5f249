"""A PDF's text as passages (study/pdftext.py): cleaned, cut at paragraph, sentence and word
boundaries within the passage size, page by page, within the reading budget."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from tests.pdfs import scanned_pdf_bytes, text_pdf_bytes
from whitecell.study.pdftext import (
    PASSAGE_CHARS,
    Budget,
    Passage,
    clean,
    passages_of,
    read_text,
)

SENTENCE = "The mitochondrion turns food into ATP, the cell's store of energy."  # 66 characters


def _pdf(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "book.pdf"
    path.write_bytes(content)
    return path


def _words(text: str) -> list[str]:
    return re.findall(r"\S+", text)


def test_cleaning_joins_broken_words_and_drops_what_no_database_stores() -> None:
    raw = "Cell  biology\r\nThe mitochon-\ndrion\x00 makes\tATP.\n\n\n  Next\u00a0para\ud800graph. "
    assert clean(raw) == "Cell biology The mitochondrion makes ATP.\n\nNext paragraph."


def test_a_short_page_is_one_passage_and_nothing_is_lost() -> None:
    text = clean("Osmosis\nWater moves across a membrane.\n\nSecond paragraph here.")
    assert passages_of(text) == [text]


def test_long_text_is_cut_at_paragraphs_then_sentences_then_words() -> None:
    paragraphs = [" ".join([SENTENCE] * 20) for _ in range(3)]  # ~1,340 characters each
    text = "\n\n".join(paragraphs)
    cut = passages_of(text)
    assert all(len(p) <= PASSAGE_CHARS for p in cut)
    assert _words(" ".join(cut)) == _words(text)  # every word kept, in order
    assert all(p.endswith(".") for p in cut)  # sentences are never split here
    assert cut[0] == paragraphs[0]  # a paragraph that fits stays whole

    one_word = "x" * 4_500  # no blank at all: cut at the size
    assert [len(p) for p in passages_of("Start. " + one_word)] == [6, 2_000, 2_000, 500]
    words = " ".join(["membrane"] * 600)  # one sentence of 5,399 characters: cut at blanks
    cut = passages_of(words)
    assert all(len(p) <= PASSAGE_CHARS for p in cut) and _words(" ".join(cut)) == _words(words)


def test_a_passage_without_a_word_is_dropped() -> None:
    assert passages_of("12") == []
    assert passages_of("— 7 —") == []
    assert passages_of("Page 7") == ["Page 7"]


def test_each_page_gives_its_own_passages(tmp_path: Path) -> None:
    pages = ["Cell biology\n" + SENTENCE, "", "iv", "Photosynthesis\nChloroplasts fix carbon."]
    text = read_text(_pdf(tmp_path, text_pdf_bytes(pages)))
    assert text.passages == [
        Passage(1, "Cell biology " + SENTENCE),
        Passage(4, "Photosynthesis Chloroplasts fix carbon."),
    ]
    assert text.pages_with_text == 2 and text.truncated is False


def test_a_scan_without_a_text_layer_gives_nothing(tmp_path: Path) -> None:
    text = read_text(_pdf(tmp_path, scanned_pdf_bytes(3)))
    assert text.passages == [] and text.pages_with_text == 0 and text.truncated is False


def test_an_encrypted_pdf_with_an_empty_password_is_read(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf_bytes([SENTENCE]))))
    writer.encrypt("")
    out = io.BytesIO()
    writer.write(out)
    assert read_text(_pdf(tmp_path, out.getvalue())).passages == [Passage(1, SENTENCE)]


def test_a_damaged_file_gives_nothing_rather_than_an_error(tmp_path: Path) -> None:
    assert read_text(_pdf(tmp_path, b"%PDF-1.7\n garbage")).passages == []


def test_the_page_budget_stops_the_reading(tmp_path: Path) -> None:
    path = _pdf(tmp_path, text_pdf_bytes([f"Page {n}. {SENTENCE}" for n in range(1, 31)]))
    text = read_text(path, Budget(pages=10))
    assert [p.page for p in text.passages] == list(range(1, 11))
    assert text.pages_with_text == 10 and text.truncated is True
    whole = read_text(path, Budget(pages=30))  # exactly the book: nothing left out
    assert len(whole.passages) == 30 and whole.truncated is False


def test_the_character_budget_stops_the_reading_inside_a_page(tmp_path: Path) -> None:
    page = "\n".join([SENTENCE] * 10)  # 669 characters once cleaned
    path = _pdf(tmp_path, text_pdf_bytes([page] * 5))
    text = read_text(path, Budget(characters=1_000))
    assert sum(len(p.text) for p in text.passages) <= 1_000
    assert [p.page for p in text.passages] == [1, 2]
    assert text.truncated is True and text.pages_with_text == 2
    exact = read_text(path, Budget(characters=669 * 5))
    assert len(exact.passages) == 5 and exact.truncated is False


def test_the_time_budget_stops_the_reading(tmp_path: Path) -> None:
    path = _pdf(tmp_path, text_pdf_bytes([SENTENCE] * 8))

    def seconds() -> Iterator[float]:
        n = 0.0
        while True:
            yield n
            n += 10.0  # every page "takes" ten seconds

    ticks = seconds()
    text = read_text(path, Budget(seconds=30.0), clock=lambda: next(ticks))
    assert [p.page for p in text.passages] == [1, 2, 3]
    assert text.truncated is True
