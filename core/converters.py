"""The path converters of every address: each number or code taken from a URL is bounded where the URL is parsed,
so an address with an impossible one (a year of twenty digits, an id past what a database column holds, a code
with a NUL) matches no page and is a 404, before any view or query sees it.

Registered when imported (each urls.py imports this module); the API's router uses the same expressions as its
`lookup_value_regex`.
"""

from __future__ import annotations

from django.urls import register_converter

YEAR = "[0-9]{4}"  # a budget year: four digits (cycles run 2000–2100, figures from 1990), always fits a smallint
ID = "[0-9]{1,18}"  # a row's id: below 10^18, inside a 64-bit column (BigAutoField) whatever the database
REGION = "[A-Za-z]{2}-[A-Za-z]{2,3}"  # an ISO 3166-2 code as CL-CO, in any case (regions.selectors.region_get)
CODE = "[^/\\x00-\\x1f\\x7f]{1,20}"  # an indicator's code within its region: up to its 20 characters, printable


class _Converter:
    regex: str

    def to_python(self, value: str):
        return value

    def to_url(self, value) -> str:
        return str(value)


class Year(_Converter):
    regex = YEAR

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return f"{int(value):04d}"


class Id(_Converter):
    regex = ID

    def to_python(self, value: str) -> int:
        return int(value)


class RegionCode(_Converter):
    regex = REGION


class Code(_Converter):
    regex = CODE


register_converter(Year, "year")
register_converter(Id, "id")
register_converter(RegionCode, "region")
register_converter(Code, "code")
