"""Reading rendered pages in tests: text as a person reads it."""

from __future__ import annotations

from bs4 import BeautifulSoup


def soup(response, status: int = 200) -> BeautifulSoup:
    assert response.status_code == status, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def text(node) -> str:
    """Return the node's visible text with white space (non-breaking too) folded to single spaces."""
    return " ".join(node.get_text(" ").replace("\xa0", " ").split())


def cells(node, selector: str) -> list[str]:
    return [text(cell) for cell in node.select(selector)]
