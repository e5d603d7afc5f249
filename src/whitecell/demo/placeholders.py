"""Self-contained `data:` URLs for the demo's files (photos, PDFs).

The spec's `imageUrl` and `pdfUrl` point at uploaded files, and White Cell has no file storage yet.
A link to some other site would break or mislead; a `data:` URL always opens, offline, and says
plainly that it is a placeholder.
"""

from __future__ import annotations

import base64
from urllib.parse import quote


def photo(label: str, angle: str) -> str:
    """A 300x400 SVG silhouette captioned with `label`: a stand-in for a progress photo."""
    shoulders = {"front": 110, "back": 110, "side": 70, "flexed": 150}.get(angle, 110)
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' width='300' height='400' viewBox='0 0 300 400'>"
        "<rect width='300' height='400' fill='#1f2937'/>"
        "<circle cx='150' cy='85' r='38' fill='#9ca3af'/>"
        f"<rect x='{150 - shoulders // 2}' y='135' width='{shoulders}' height='170' rx='32' "
        "fill='#9ca3af'/>"
        "<text x='150' y='360' font-family='sans-serif' font-size='18' fill='#f9fafb' "
        f"text-anchor='middle'>{_xml(label)}</text></svg>"
    )
    return "data:image/svg+xml;charset=utf-8," + quote(svg, safe="")


def pdf(title: str, *lines: str) -> str:
    """A one-page PDF showing `title` and `lines` (ASCII): a stand-in for an uploaded book."""
    text = [f"BT /F1 22 Tf 72 760 Td ({_pdf_text(title)}) Tj /F1 12 Tf"]
    text += [f"0 -24 Td ({_pdf_text(line)}) Tj" for line in lines]
    stream = "\n".join([*text, "ET"]).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return "data:application/pdf;base64," + base64.b64encode(bytes(out)).decode()


def _xml(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _pdf_text(value: str) -> str:
    ascii_only = value.encode("ascii", "replace").decode()
    return ascii_only.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
