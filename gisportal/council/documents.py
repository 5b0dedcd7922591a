"""Meeting documents from staff: checked by what they contain, not by their name, as complaints check photos.

Photos go through `complaints.photos` (re-encoded, metadata dropped); other documents must be PDF files, whose
first bytes say so, within a size limit, with no script or launch action that a reader might run.
"""

import re

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from gisportal.complaints import photos

MAX_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
IMAGE_MAGICS = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF")
# PDF names of actions that run something when the file is opened (a council's agenda needs none), as names: the
# name then a delimiter, so that the same bytes inside a compressed stream are rarely taken for one. A first line
# of defence only: names packed in a compressed object stream (PDF 1.5) are not seen, and readers must sandbox.
ACTIVE_PDF_NAMES = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile|RichMedia)[\s/<>\[\]()]")


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError({"file": ValidationError(message, code=code)})


def clean_document(upload: UploadedFile) -> tuple[ContentFile, int]:
    """The file to store (a PDF as sent, a photo re-encoded as JPEG) and its size in bytes."""
    if upload.size is None or upload.size > MAX_BYTES:
        raise _refuse(_("A document may weigh at most 20 MB."), "document_too_large")
    if upload.size == 0:
        raise _refuse(_("This file is empty."), "document_empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(IMAGE_MAGICS):
        try:
            photo = photos.clean_photo(upload)
        except ValidationError as refused:
            raise _refuse(refused.messages[0], "document_unreadable") from refused
        return photo, len(photo)
    if not head.startswith(PDF_MAGIC):
        raise _refuse(_("Documents must be PDF files or photos (JPEG, PNG, WebP)."), "document_type")
    body = upload.read()
    if ACTIVE_PDF_NAMES.search(body):
        raise _refuse(_("This PDF contains scripts or attachments; export it again as a plain PDF."), "document_active")
    return ContentFile(body, name="document.pdf"), len(body)
