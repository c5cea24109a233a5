"""The region's report as PDF, rendered by WeasyPrint from the same HTML as the printable page."""

from __future__ import annotations

from django.contrib.staticfiles import finders


def html_to_pdf(html: str) -> bytes:
    """Return the PDF of the report's HTML, styled by static/css/report.css (no network access)."""
    # Imported here: WeasyPrint loads Pango and fonts (~0.3 s), which only the PDF needs.
    from weasyprint import CSS, HTML  # noqa: PLC0415

    stylesheet = CSS(filename=finders.find("css/report.css"))
    return HTML(string=html, base_url=None, url_fetcher=_no_fetch).write_pdf(stylesheets=[stylesheet])


def _no_fetch(url: str, *args, **kwargs):
    """Refuse every external resource: the report needs none, and a PDF must not reach the network."""
    raise ValueError(f"recurso externo no permitido en el informe: {url}")
