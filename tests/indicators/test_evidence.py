"""Evidence files: allowed by content not name, size-limited, stored outside static/, served to viewers only."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators import evidence
from indicators.models import Evidence
from tests.html import soup, text

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def office(*parts: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for part in parts:
            package.writestr(part, "<xml/>")
    return buffer.getvalue()


XLSX = office("[Content_Types].xml", "xl/workbook.xml")
DOCX = office("[Content_Types].xml", "word/document.xml")


@pytest.mark.parametrize(
    ("content", "extension"),
    [(PDF, "pdf"), (PNG, "png"), (JPG, "jpg"), (XLSX, "xlsx"), (DOCX, "docx")],
)
def test_allowed_types_are_recognised_by_content(content, extension):
    assert evidence.detect(io.BytesIO(content)).extension == extension


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00 an executable",
        b"<html><script>alert(1)</script></html>",
        office("readme.txt"),  # a zip that is no office document
        office("[Content_Types].xml", "ppt/presentation.xml"),
        b"",
        b"PK\x03\x04 broken zip",
    ],
)
def test_other_content_is_refused(content):
    assert evidence.detect(io.BytesIO(content)) is None


def test_zip_bomb_is_refused_without_inflating(monkeypatch):
    monkeypatch.setattr(evidence, "MAX_UNZIPPED_BYTES", 1000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<xml/>")
        package.writestr("xl/workbook.xml", "0" * 100_000)
    assert len(buffer.getvalue()) < 2000
    assert evidence.detect(buffer) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\x\\informe final.PDF", "informe final.pdf"),
        ("factura.exe", "factura.pdf"),
        ("<script>.pdf", "script.pdf"),
        ("", "archivo.pdf"),
    ],
)
def test_safe_names(name, expected):
    assert evidence.safe_name(name, evidence.PDF) == expected


def upload_url():
    return reverse("indicators:evidence_upload", kwargs={"code": "CL-CO", "year": 2012, "indicator": "CO-01"})


@pytest.mark.django_db
def test_upload_then_download_by_a_reviewer(client, camila, daniela, settings):
    client.force_login(camila)
    response = client.post(
        upload_url(),
        {"year": "2010", "description": "Registro del buzón", "file": SimpleUploadedFile("registro.pdf", PDF)},
    )
    assert response.status_code == 302
    item = Evidence.objects.get()
    assert (item.year, item.original_name, item.content_type, item.size) == (
        2010,
        "registro.pdf",
        "application/pdf",
        len(PDF),
    )
    assert item.uploaded_by == camila
    assert str(settings.MEDIA_ROOT) in item.file.path
    assert "static" not in item.file.path.split(str(settings.MEDIA_ROOT))[1]

    client.force_login(daniela)
    url = reverse(
        "indicators:evidence_download", kwargs={"code": "CL-CO", "year": 2012, "indicator": "CO-01", "pk": item.pk}
    )
    response = client.get(url)
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    response.close()


@pytest.mark.django_db
def test_a_disguised_file_is_refused_with_a_message(client, camila):
    client.force_login(camila)
    response = client.post(
        upload_url(), {"year": "2010", "file": SimpleUploadedFile("informe.pdf", b"<html>hola</html>")}
    )
    page = soup(response, 400)
    assert "no es PDF, XLSX, DOCX, PNG ni JPG" in text(page.select_one("#evidencia"))
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused(client, camila, settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    client.force_login(camila)
    big = PDF + b"0" * (1024 * 1024)
    response = client.post(upload_url(), {"year": "2010", "file": SimpleUploadedFile("grande.pdf", big)})
    errors = text(soup(response, 400).select_one("#evidencia"))
    assert "El archivo supera el máximo de 1 MB; no se guardó." in errors
    assert "obligatorio" not in errors  # the upload was stopped: the size is the only thing to say
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_fields_after_a_stopped_upload_are_not_reported_missing(client, camila, settings):
    """The upload handler drops what follows the file in the request: the year sent after it is lost too."""
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    client.force_login(camila)
    big = PDF + b"0" * (1024 * 1024)
    response = client.post(upload_url(), {"file": SimpleUploadedFile("grande.pdf", big), "year": "2010"})
    errors = text(soup(response, 400).select_one("#evidencia"))
    assert "El archivo supera el máximo de 1 MB; no se guardó." in errors
    assert "obligatorio" not in errors
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_an_empty_upload_still_says_the_file_is_required(client, camila):
    client.force_login(camila)
    response = client.post(upload_url(), {"year": "2010"})
    assert "Este campo es obligatorio." in text(soup(response, 400).select_one("#evidencia"))


@pytest.mark.django_db
def test_a_year_outside_the_cycle_is_refused(client, camila):
    client.force_login(camila)
    response = client.post(upload_url(), {"year": "2005", "file": SimpleUploadedFile("a.pdf", PDF)})
    assert "Escoja una opción válida" in text(soup(response, 400))


@pytest.mark.django_db
def test_withdrawn_files_are_kept(client, camila):
    client.force_login(camila)
    client.post(upload_url(), {"year": "2011", "file": SimpleUploadedFile("a.png", PNG)})
    item = Evidence.objects.get()
    url = reverse(
        "indicators:evidence_withdraw", kwargs={"code": "CL-CO", "year": 2012, "indicator": "CO-01", "pk": item.pk}
    )
    client.post(url)
    item.refresh_from_db()
    assert item.withdrawn is True
    assert item.file.storage.exists(item.file.name)
    page = soup(
        client.get(reverse("indicators:indicator", kwargs={"code": "CL-CO", "year": 2012, "indicator": "CO-01"}))
    )
    assert "a.png" not in text(page.select_one("#evidencia ul"))
    assert "1 archivo retirado" in text(page.select_one("#evidencia"))
