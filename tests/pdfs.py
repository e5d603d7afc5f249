"""PDF files for the upload tests, written by pypdf (and a scan's pictures by Pillow)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw
from pypdf import PdfWriter

from whitecell.demo.study_books import text_layer_pdf


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


def text_pdf_bytes(pages: list[str]) -> bytes:
    """A PDF with a text layer: each string is a page, its lines drawn in Helvetica (Latin-1
    text) as a word processor would, one `Tj` a line."""
    return text_layer_pdf([text.split("\n") for text in pages], size=(612, 792))


def scanned_pdf_bytes(pages: int = 2) -> bytes:
    """A PDF as a scanner makes it: each page one picture (of a line of text), no text layer."""
    images = []
    for n in range(pages):
        image = Image.new("L", (850, 1100), 255)
        ImageDraw.Draw(image).text((80, 80), f"Page {n + 1}: the mitochondrion makes ATP.", fill=0)
        images.append(image)
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=100.0)
    return out.getvalue()
