"""A PDF's text as passages to search (docs/study.md, "Textbook text").

The text layer is read page by page with pypdf (`PageObject.extract_text`), cleaned (control
characters out, words broken by a hyphen at a line's end joined again, runs of blanks made one
space) and cut into passages of at most `PASSAGE_CHARS` characters: whole paragraphs while they
fit, else sentences, else runs of words. A passage never spans two pages, so each has its page.
No OCR: a scanned page has no text layer and gives nothing.

One PDF may cost at most `BUDGET`: 2,000 pages read, 3,000,000 characters kept (about 1,500
passages) and 30 seconds of reading, checked before each page. What lies beyond is left out and
`PdfText.truncated` says so. A page is not interrupted once begun: pypdf caps what one stream
may decompress to (75 MB), and one page's text is cut at `PAGE_CHARS`.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PageObject, PdfReader

logger = logging.getLogger("whitecell.study.pdftext")

# Characters in a passage: a dense page (~3,000 characters) gives two, a light one one.
PASSAGE_CHARS = 2_000
# The most of one page's text that is kept: a printed page holds 2,000-6,000 characters; more
# is a generated file filling the budget in one page.
PAGE_CHARS = 50_000


@dataclass(frozen=True)
class Budget:
    pages: int = 2_000  # pages read, from the first
    characters: int = 3_000_000  # characters kept, over all passages
    seconds: float = 30.0  # of reading, checked before each page


BUDGET = Budget()


@dataclass(frozen=True)
class Passage:
    page: int  # 1-based
    text: str


@dataclass
class PdfText:
    passages: list[Passage] = field(default_factory=list)
    pages_with_text: int = 0  # pages that gave at least one passage (0: no text layer)
    truncated: bool = False  # the budget stopped the reading before the last page


# Control characters (tab and newline aside), and lone surrogates (halves of a character a
# damaged font maps to), which no database stores.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_BROKEN_WORD = re.compile(r"([^\W\d_])-\n\s*([^\W\d_])")
_BLANKS = re.compile(r"[ \t\u00a0]+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?\u2026])\s+|(?<=[\u3002\uff01\uff1f])")
# A passage worth keeping holds a word of three letters or more (not a page number: 12, iv).
_WORDY = re.compile(r"[^\W\d_]{3}")


def clean(text: str) -> str:
    """Page text as paragraphs separated by a blank line, each on one line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub(" ", _SURROGATE.sub("", text))
    text = _BROKEN_WORD.sub(r"\1\2", text)
    paragraphs = []
    for paragraph in _PARAGRAPH_BREAK.split(text):
        lines = (_BLANKS.sub(" ", line).strip() for line in paragraph.split("\n"))
        joined = " ".join(line for line in lines if line)
        if joined:
            paragraphs.append(joined)
    return "\n\n".join(paragraphs)


def _words(text: str, limit: int) -> Iterator[str]:
    """`text` in runs of at most `limit` characters, cut at a blank where there is one."""
    while len(text) > limit:
        cut = text.rfind(" ", 0, limit + 1)
        cut = cut if cut > 0 else limit
        yield text[:cut].strip()
        text = text[cut:].strip()
    if text:
        yield text


def _pieces(text: str, limit: int) -> Iterator[tuple[str, bool]]:
    """Units of at most `limit` characters, each with whether it begins a paragraph."""
    for paragraph in text.split("\n\n"):
        if len(paragraph) <= limit:
            yield paragraph, True
            continue
        first = True
        for sentence in _SENTENCE_END.split(paragraph):
            for run in _words(sentence.strip(), limit):
                yield run, first
                first = False


def passages_of(text: str, limit: int = PASSAGE_CHARS) -> list[str]:
    """Cleaned page text cut into passages of at most `limit` characters: paragraphs packed
    together while they fit, a long paragraph by sentences, a long sentence by words."""
    passages: list[str] = []
    current = ""
    for piece, new_paragraph in _pieces(text, limit):
        joint = "\n\n" if new_paragraph else " "
        if current and len(current) + len(joint) + len(piece) > limit:
            passages.append(current)
            current = ""
        current = f"{current}{joint}{piece}" if current else piece
    if current:
        passages.append(current)
    return [p for p in passages if _WORDY.search(p)]


def _page_text(pages: Sequence[PageObject], index: int) -> str:
    try:
        return pages[index].extract_text()
    except Exception:  # pypdf raises many kinds of error on damaged or hostile pages
        # A page that cannot be read is a page without text; the book's other pages still count.
        logger.info("page %d: no text could be read", index + 1, exc_info=True)
        return ""


def read_text(
    path: Path, budget: Budget | None = None, clock: Callable[[], float] = time.monotonic
) -> PdfText:
    """The passages of the PDF at `path` (a file the upload already checked opens), within
    `budget` (else `BUDGET`). Blocking, seconds on a long book: run it in a worker thread."""
    budget = budget or BUDGET
    result = PdfText()
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            reader.decrypt("")  # the upload accepted it: an empty user password
        pages = reader.pages
        count = len(pages)
    except Exception:  # as for a page: a file that cannot be read has no text to search
        logger.info("%s: no text could be read", path.name, exc_info=True)
        return result
    started, used = clock(), 0
    for index in range(count):
        number = index + 1
        if number > budget.pages or used >= budget.characters or clock() - started > budget.seconds:
            result.truncated = True
            break
        text = clean(_page_text(pages, index))[:PAGE_CHARS]
        kept = 0
        for passage in passages_of(text):
            room = budget.characters - used
            if room <= 0 or len(passage) > room:
                passage = passage[:room].strip()
                result.truncated = True
            if passage:
                result.passages.append(Passage(number, passage))
                used += len(passage)
                kept += 1
            if result.truncated:
                break
        if kept:
            result.pages_with_text += 1
        if result.truncated:
            break
    return result
