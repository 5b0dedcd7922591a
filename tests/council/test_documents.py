"""Meeting documents are checked by their content: PDFs as sent unless they carry actions, photos re-encoded."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gisportal.council import documents

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_a_plain_pdf_is_kept_as_sent() -> None:
    content, size = documents.clean_document(SimpleUploadedFile("a.pdf", PDF))
    assert content.read() == PDF and size == len(PDF)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"", "document_empty"),
        (b"<html><script>alert(1)</script>", "document_type"),
        (PDF.replace(b"/Catalog", b"/Catalog /OpenAction << /S /Launch /F (cmd.exe) >>"), "document_active"),
        (PDF.replace(b"/Catalog", b"/Catalog /Names << /JavaScript 2 0 R >>"), "document_active"),
        (b"\x89PNG\r\n\x1a\n not really a png", "document_unreadable"),
    ],
)
def test_refused_with_a_reason(body: bytes, code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        documents.clean_document(SimpleUploadedFile("x.pdf", body))
    assert refused.value.error_dict["file"][0].code == code


def test_a_name_that_only_starts_like_an_action_is_not_one() -> None:
    content, _size = documents.clean_document(SimpleUploadedFile("a.pdf", PDF.replace(b"/Catalog", b"/Catalog /JSON")))
    assert b"/JSON" in content.read()


def test_a_photo_of_a_document_is_re_encoded_without_its_metadata() -> None:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    Image.new("RGB", (40, 30), "white").save(out, format="JPEG", exif=exif)
    content, size = documents.clean_document(SimpleUploadedFile("scan.jpg", out.getvalue()))
    data = content.read()
    assert size == len(data) and data.startswith(b"\xff\xd8") and b"PhoneMaker" not in data


def test_too_large_is_refused_unread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "MAX_BYTES", len(PDF) - 1)
    with pytest.raises(ValidationError):
        documents.clean_document(SimpleUploadedFile("a.pdf", PDF))
