"""HTML to PDF: the one module of the project that imports WeasyPrint.

Layout is the slow part of WeasyPrint (about 600 ms for a lone one-page letter, mostly
fixed cost), so many documents are laid out as one and the pages written out per
document (`htmls_to_pdfs`). Each output PDF is written from its own pages only, so its
fonts are subset to its own glyphs and its bytes do not depend on which other
documents shared the layout: a letter rendered alone and in a batch of 500 is the same
file. Metadata (title, creation date) comes from each document's own `<title>` and
`<meta name="dcterms.created">`, never the clock, so a PDF is reproducible.

Font subsetting with HarfBuzz (Debian's libharfbuzz-subset0) is several times faster
than WeasyPrint's fontTools fallback; `subsetting_backend()` says which is in use.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import logging
import re
from collections.abc import Sequence

# WeasyPrint logs every step of every document at INFO: keep its warnings only.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

import weasyprint  # noqa: E402
from weasyprint.pdf.fonts import harfbuzz, harfbuzz_subset  # noqa: E402

_HEAD_RE = re.compile(r"<head\b[^>]*>(.*?)</head>", re.S | re.I)
_BODY_RE = re.compile(r"<body\b[^>]*>(.*)</body>", re.S | re.I)
_TITLE_RE = re.compile(r"<title>(.*?)</title>", re.S | re.I)
_META_RE = re.compile(r"<meta\s+name=\"dcterms\.(created|modified)\"[^>]*?>", re.I)
_CONTENT_RE = re.compile(r"content=\"([^\"]*)\"", re.I)
_PART = "pdf-part-"


def subsetting_backend() -> str:
    """ "harfbuzz" when WeasyPrint will subset fonts with HarfBuzz, else "fonttools"."""
    if harfbuzz_subset and harfbuzz.hb_version_atleast(4, 1, 0):
        return "harfbuzz"
    return "fonttools"


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """One HTML document as PDF bytes (identical to its part of `htmls_to_pdfs`)."""
    return htmls_to_pdfs([html], base_url=base_url)[0]


def htmls_to_pdfs(htmls: Sequence[str], *, base_url: str | None = None) -> list[bytes]:
    """Each HTML document as PDF bytes, laid out together as one document.

    1. Documents with the same <head> (one template's stylesheet) are joined: each body
       goes into a section that starts a new page and carries an anchor.
    2. The joined document is laid out once; each page is assigned to the document whose
       anchor last started, so a document of several pages keeps them all.
    3. Each document's pages are written as their own PDF with its own metadata.
    A document whose <head> differs from the first is laid out alone. Page counters
    (`counter(page)`, `counter(pages)`) run over the joined document, so documents meant
    to be split must not print them; `string-set` values are fine.
    """
    if not htmls:
        return []
    head = _head(htmls[0])
    joined = [i for i, h in enumerate(htmls) if _head(h) == head and _BODY_RE.search(h)]
    results: dict[int, bytes] = {}
    if joined:
        body = "".join(
            f'<section id="{_PART}{n}" style="break-before: page">{_body(htmls[i])}</section>'
            for n, i in enumerate(joined)
        )
        document = weasyprint.HTML(
            string=f"<!doctype html><html><head>{head}</head><body>{body}</body></html>",
            base_url=base_url,
        ).render()
        for n, pages in enumerate(_split(document, len(joined))):
            results[joined[n]] = _write(document.copy(pages), htmls[joined[n]])
    for i, html in enumerate(htmls):
        if i not in results:
            document = weasyprint.HTML(string=html, base_url=base_url).render()
            results[i] = _write(document, html)
    return [results[i] for i in range(len(htmls))]


def page_count(pdf: bytes) -> int:
    from io import BytesIO

    from pypdf import PdfReader

    return len(PdfReader(BytesIO(pdf)).pages)


def _head(html: str) -> str:
    match = _HEAD_RE.search(html)
    if not match:
        return ""
    # Per-document metadata differs between letters; it is applied per PDF in _write.
    return _META_RE.sub("", _TITLE_RE.sub("", match.group(1))).strip()


def _body(html: str) -> str:
    match = _BODY_RE.search(html)
    return match.group(1) if match else ""


def _split(document, parts: int) -> list[list]:
    groups: list[list] = [[] for _ in range(parts)]
    current = 0
    for page in document.pages:
        starts = [int(a[len(_PART) :]) for a in page.anchors if a.startswith(_PART)]
        if starts:
            current = min(starts)
        # The part anchors would be written as named destinations: drop them, so a
        # document's PDF does not depend on its position among the others.
        for name in [a for a in page.anchors if a.startswith(_PART)]:
            del page.anchors[name]
        groups[current].append(page)
    return groups


def _write(document, html: str) -> bytes:
    metadata = document.metadata
    title = _TITLE_RE.search(html)
    metadata.title = html_lib.unescape(title.group(1).strip()) if title else None
    dates = {}
    for match in _META_RE.finditer(html):
        content = _CONTENT_RE.search(match.group(0))
        if content:
            dates[match.group(1).lower()] = content.group(1)
    metadata.created = dates.get("created")
    metadata.modified = dates.get("modified", dates.get("created"))
    metadata.authors = []
    metadata.description = None
    metadata.keywords = []
    return document.write_pdf()


def iso_timestamp(moment: dt.datetime) -> str:
    """A timestamp for `dcterms.created`, to the second, in UTC."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
