"""What the server reads from an uploaded PDF before keeping it: that it is one, and its pages."""

from __future__ import annotations

import logging
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PyPdfError

# pypdf logs every repaired defect of a damaged file as a warning; a refusal says enough.
logging.getLogger("pypdf").setLevel(logging.ERROR)

PDF_MAGIC = b"%PDF-"


class NotAPdf(ValueError):
    """The bytes do not start like a PDF."""


class UnreadablePdf(ValueError):
    """It claims to be a PDF but cannot be read (damaged, truncated or locked)."""


def looks_like_pdf(head: bytes) -> bool:
    # The header may follow up to 1 KiB of junk (PDF 32000-1 leniency that readers all accept).
    return PDF_MAGIC in head[:1024]


def page_count(path: Path) -> int:
    """The number of pages of the PDF at `path`; raises NotAPdf or UnreadablePdf."""
    with path.open("rb") as handle:
        if not looks_like_pdf(handle.read(1024)):
            raise NotAPdf("the file is not a PDF")
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadablePdf("the PDF is password-protected")
        pages = len(reader.pages)
    except UnreadablePdf:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        raise UnreadablePdf(f"the PDF is damaged ({error})") from error
    except RecursionError as error:  # crafted files with cyclic page trees
        raise UnreadablePdf("the PDF's page tree is malformed") from error
    if pages < 1:
        raise UnreadablePdf("the PDF has no pages")
    return pages
