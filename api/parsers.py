"""The API's reading of CSV bodies: the text, decoded (UTF-8, with or without its BOM); api.csv_figures reads it."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

MAX_BYTES = 10 * 1024 * 1024  # a region's whole cycle is a few hundred kB


class CSVTextParser(BaseParser):
    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None) -> str:
        data = stream.read(MAX_BYTES + 1) if stream is not None else b""
        if len(data) > MAX_BYTES:
            raise ParseError(_("El CSV pesa más de 10 MB: divídalo por producto o por año."))
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ParseError(_("El CSV no está en UTF-8: guárdelo como «CSV UTF-8».")) from error
