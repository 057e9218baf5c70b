"""WeasyPrint must subset fonts with HarfBuzz: its fontTools fallback is several times
slower and would miss the letters' speed target. CI installs libharfbuzz-subset0; there,
a missing HarfBuzz is a failure rather than a quiet slowdown."""

from __future__ import annotations

import os

import pytest

from letters import pdf


def test_harfbuzz_subsetting_is_in_use_in_ci() -> None:
    backend = pdf.subsetting_backend()
    if os.environ.get("CI") and backend != "harfbuzz":
        pytest.fail(
            "WeasyPrint is using the fontTools subsetting fallback: install "
            "libharfbuzz-subset0 (HarfBuzz 4.1 or later) on the CI image."
        )
    assert backend in ("harfbuzz", "fonttools")


def test_html_to_pdf_makes_a_pdf() -> None:
    content = pdf.html_to_pdf("<html><head><title>T</title></head><body><p>Hello</p></body></html>")
    assert content.startswith(b"%PDF-") and pdf.page_count(content) == 1
