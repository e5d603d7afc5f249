"""The demo's textbooks as stored PDFs with a text layer (docs/study.md, "Textbook text"): each
book has its full page count, and on a few pages (those its annotations point at) a page of text,
so its passages are searchable and the coach's research mode has pages to quote.

The texts are short study summaries written for the demo; Meditations is George Long's 1862
translation, in the public domain. Stored as an upload stores a file, and read by the same code.
"""

from __future__ import annotations

import io
import tempfile
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

import anyio
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, StreamObject

from whitecell.core import crud
from whitecell.core.context import AppContext
from whitecell.core.files import file_key, file_url
from whitecell.core.permissions import Caller
from whitecell.study.tables import TEXTBOOKS
from whitecell.study.textindex import keep_passages, read_pdf_text

# Characters in a line of 10-point Helvetica across an A4 page's text block.
LINE_CHARS = 95

BOOK_PAGES: dict[str, dict[int, str]] = {
    "Calculus": {
        64: (
            "2.1 The derivative. The derivative of a function at a point is the instantaneous "
            "rate of change: the limit of the average rate (f(x + h) - f(x)) / h as the step h "
            "shrinks to zero. On a graph it is the slope of the tangent line. For distance "
            "f(t), the derivative is the velocity at the moment t; for velocity, the "
            "acceleration.\n\n"
            "The derivative of x^n is n x^(n-1). The derivative of a sum is the sum of the "
            "derivatives, and a constant factor stays in front. The derivative of sin x is "
            "cos x, and the derivative of e^x is e^x itself."
        ),
        98: (
            "2.5 The chain rule. A function of a function, z = f(g(x)), changes at the rate "
            "dz/dx = f'(g(x)) g'(x): the outer derivative, taken at the inner function, times "
            "the inner derivative. The derivative of sin(3x) is 3 cos(3x); the derivative of "
            "(x^2 + 1)^5 is 5 (x^2 + 1)^4 times 2x.\n\n"
            "Problems 2.5: find the derivatives of sqrt(1 + x^2), sin(x^2) and e^(-x^2 / 2)."
        ),
        131: (
            "5.6 Integration by substitution. Substitution is the chain rule run backwards: if "
            "the integrand is f(g(x)) g'(x), set u = g(x) and du = g'(x) dx, and the integral "
            "becomes the integral of f(u) du. To integrate 2x cos(x^2), set u = x^2: the "
            "answer is sin(x^2) + C. For a definite integral, change the limits too."
        ),
    },
    "Open Data Structures": {
        12: (
            "1.2 Interfaces. A Queue supports add(x) and remove(); a FIFO queue removes the "
            "oldest element, a priority queue the smallest. A Stack is a LIFO queue: push(x) "
            "and pop(). The List interface adds get(i), set(i, x), add(i, x) and remove(i). "
            "A USet stores distinct elements (add, remove, find); an SSet keeps them sorted, "
            "so find(x) returns the smallest element not less than x."
        ),
        45: (
            "2.1 ArrayStack: fast stack operations using an array. An ArrayStack keeps its n "
            "elements in a backing array a. add(i, x) shifts the elements after i; when the "
            "array is full, resize() copies everything into an array twice as large. A single "
            "resize costs O(n), but the amortised cost of add is O(1): starting empty, any "
            "sequence of m add and remove operations spends O(m) time in resize() in total."
        ),
    },
    "Meditations": {
        9: (
            "Book II. 1. Begin the morning by saying to thyself, I shall meet with the busy-body, "
            "the ungrateful, arrogant, deceitful, envious, unsocial. All these things happen to "
            "them by reason of their ignorance of what is good and evil. But I who have seen the "
            "nature of the good that it is beautiful, and of the bad that it is ugly, and the "
            "nature of him who does wrong, that it is akin to me, I can neither be injured by "
            "any of them, nor can I be angry with my kinsman, nor hate him. For we are made for "
            "co-operation, like feet, like hands, like eyelids, like the rows of the upper and "
            "lower teeth. To act against one another then is contrary to nature."
        ),
        57: (
            "Book IV. 3. Men seek retreats for themselves, houses in the country, sea-shores, "
            "and mountains; and thou too art wont to desire such things very much. But this is "
            "altogether a mark of the most common sort of men, for it is in thy power whenever "
            "thou shalt choose to retire into thyself. For nowhere either with more quiet or "
            "more freedom from trouble does a man retire than into his own soul."
        ),
        101: (
            "Book V. 16. Such as are thy habitual thoughts, such also will be the character of "
            "thy mind; for the soul is dyed by the thoughts.\n\n"
            "Book VIII. 47. If thou art pained by any external thing, it is not this thing that "
            "disturbs thee, but thy own judgement about it. And it is in thy power to wipe out "
            "this judgement now."
        ),
    },
}


def text_layer_pdf(pages: list[list[str] | None], size: tuple[int, int] = (595, 842)) -> bytes:
    """A PDF whose pages hold these lines of Latin-1 text (None: a blank page), drawn in
    Helvetica with a text layer, one `Tj` a line, as a word processor writes one. The demo's
    books and the tests' PDFs (tests/pdfs.py) are made with it."""
    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    resources = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    width, height = size
    for lines in pages:
        page = writer.add_blank_page(width, height)
        if lines is None:
            continue
        operations = ["BT", "/F1 10 Tf", "13 TL", f"56 {height - 62} Td"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            operations.append(f"({escaped}) Tj T*")
        operations.append("ET")
        content = StreamObject()
        content.set_data("\n".join(operations).encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(content)
        page[NameObject("/Resources")] = resources
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def book_pdf(pages: int, texts: dict[int, str]) -> bytes:
    """A book of `pages` pages, blank but for `texts` (page number: Latin-1 text, its
    paragraphs wrapped as a word processor would)."""

    def lines(text: str) -> list[str]:
        return [
            line
            for paragraph in text.split("\n\n")
            for line in [*textwrap.wrap(paragraph, LINE_CHARS, break_on_hyphens=False), ""]
        ]

    return text_layer_pdf([lines(texts[n]) if n in texts else None for n in range(1, pages + 1)])


async def store_book_pdfs(
    ctx: AppContext, caller: Caller, books: dict[str, dict[str, Any]]
) -> Counter[str]:
    """Give each demo textbook with pages of text a stored PDF and its passages (`books`: the
    demo's textbooks by id, updated in place); the passages written, counted."""
    counts: Counter[str] = Counter()
    for book_id, book in list(books.items()):
        texts = BOOK_PAGES.get(book["title"])
        if not texts:
            continue
        with tempfile.TemporaryDirectory(prefix="whitecell-demo-") as directory:
            path = Path(directory) / "book.pdf"
            path.write_bytes(book_pdf(book["pages"], texts))
            facts, passages = await anyio.to_thread.run_sync(read_pdf_text, path)
            await ctx.storage.put(file_key(TEXTBOOKS, str(caller.id), book_id), path)
        async with ctx.store.write() as tx:
            url = file_url(ctx.settings, TEXTBOOKS, book_id)
            books[book_id] = await crud.update_server_row(
                tx, TEXTBOOKS, book, {"pdfUrl": url, **facts}
            )
            await keep_passages(tx, books[book_id], passages)
        counts["textbook_passages"] += len(passages)
    return counts
