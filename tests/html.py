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


def form_data(form) -> dict[str, str | list[str]]:
    """Return what a browser would post for the form as rendered: inputs, checked boxes, selects, textareas."""
    data: dict[str, str | list[str]] = {}
    for field in form.select("input[name], select[name], textarea[name]"):
        name, kind = field["name"], field.get("type", "")
        if field.name == "input" and kind in ("checkbox", "radio") and not field.has_attr("checked"):
            continue
        if field.name == "input" and kind in ("submit", "button", "file"):
            continue
        if field.name == "select":
            chosen = field.select("option[selected]")
            values = [o.get("value", o.get_text()) for o in chosen]
            if not values and not field.has_attr("multiple"):
                first = field.select_one("option")
                values = [first.get("value", "")] if first else []
            data[name] = values if field.has_attr("multiple") else (values[0] if values else "")
        elif field.name == "textarea":
            data[name] = field.get_text()
        else:
            data[name] = field.get("value", "on" if kind == "checkbox" else "")
    return data
