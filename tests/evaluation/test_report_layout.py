"""The report's layouts: the PDF gives the indicator's name a readable column; the page fits a phone."""

from __future__ import annotations

import io
from collections import defaultdict

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.html import soup

pytestmark = pytest.mark.django_db
AN = {"code": "CL-AN", "year": 2012}


def name_lines(pdf: bytes) -> list[str]:
    """Return the lines of text in the indicators table's first column, on the report's first page."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    pieces = []
    page.extract_text(visitor_text=lambda text, cm, tm, font, size: pieces.append((tm[4], tm[5], text)))
    left, top = next((x, y) for x, y, text in pieces if text.startswith("AN-01"))
    end = min([y for _x, y, text in pieces if text.startswith("3.") and y > top] or [float("inf")])  # next section
    lines = defaultdict(str)
    for x, y, text in pieces:
        if round(x) == round(left) and top <= y < end:
            lines[y] += text.strip()
    return [line for line in lines.values() if line and not line.startswith("AN-0")]


def test_the_pdf_indicator_column_is_wide_enough_to_read(client, ana):
    client.force_login(ana)
    pdf = client.get(reverse("results:report_pdf", kwargs=AN)).content
    lines = name_lines(pdf)
    assert len(lines) >= 8
    # Squeezed to a fifth of the page the names wrapped every two or three words (~16 characters a line).
    assert max(len(line) for line in lines) >= 30, lines


def test_the_report_page_is_ready_for_phones_and_paper(client, ana):
    client.force_login(ana)
    page = soup(client.get(reverse("results:report", kwargs=AN)))
    assert page.select_one("meta[name=viewport]")["content"].startswith("width=device-width")
    assert page.select_one("#indicadores .table-wrap > table.indicators colgroup")
    assert page.select_one("link[rel=icon][href$='favicon.svg']")
