"""PDF files for the upload tests, written by pypdf."""

from __future__ import annotations

import io

from pypdf import PdfWriter


def pdf_bytes(pages: int = 3, *, password: str | None = None, padding: int = 0) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(612, 792)
    if padding:
        # Metadata as ballast: a larger file with the same pages, for byte-range tests.
        writer.add_metadata({"/Subject": "x" * padding})
    if password is not None:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
