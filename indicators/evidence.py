"""Which uploaded files are acceptable evidence, judged by their content, not their name. Pure: no ORM.

Allowed: PDF, XLSX, DOCX, PNG and JPEG. Office files are ZIP packages, so a ZIP is accepted only when
its parts say it is a workbook or a document (and it is not a zip bomb).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from typing import BinaryIO


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str


PDF = FileKind("pdf", "application/pdf")
PNG = FileKind("png", "image/png")
JPEG = FileKind("jpg", "image/jpeg")
XLSX = FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
DOCX = FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
ALLOWED = (PDF, XLSX, DOCX, PNG, JPEG)

# A package whose parts would inflate beyond this is refused without being inflated.
MAX_UNZIPPED_BYTES = 200 * 2**20
MAX_ZIP_MEMBERS = 5000


def _office_kind(stream: BinaryIO) -> FileKind | None:
    try:
        with zipfile.ZipFile(stream) as package:
            members = package.infolist()
            if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
                return None
            names = {m.filename for m in members}
            if "[Content_Types].xml" not in names:
                return None
            if "xl/workbook.xml" in names:
                return XLSX
            if "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, OSError, EOFError):
        return None
    return None


def detect(stream: BinaryIO) -> FileKind | None:
    """Return the kind of file the stream holds if it is an allowed one, else None. Rewinds the stream."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    kind = None
    if head.startswith(b"%PDF-"):
        kind = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        kind = JPEG
    elif head.startswith(b"PK\x03\x04"):
        kind = _office_kind(stream)
    stream.seek(0)
    return kind


def safe_name(name: str, kind: FileKind) -> str:
    """Return a display name without path parts or odd characters, ending in the detected extension."""
    base = re.split(r"[\\/]", name)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r"[^\w\-. ]+", "_", stem, flags=re.UNICODE).strip(" ._")[:120] or "archivo"
    return f"{stem}.{kind.extension}"
