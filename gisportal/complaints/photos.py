"""Photos from citizens: type and size checked, turned upright, resized, every metadata byte dropped."""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTOS = 3
MAX_BYTES = 8 * 1024 * 1024
MAX_SIDE = 1600
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
# Decompression bombs: refuse anything larger than a 50-megapixel camera.
MAX_PIXELS = 50_000_000


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError({"photos": ValidationError(message, code=code)})


def clean_photo(upload: UploadedFile) -> ContentFile:
    """A JPEG re-encoded from the pixels alone (no EXIF, no GPS), upright and at most MAX_SIDE wide."""
    if upload.size is None or upload.size > MAX_BYTES:
        raise _refuse(_("A photo may weigh at most 8 MB."), "photo_too_large")
    try:
        with Image.open(upload) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise _refuse(_("Photos must be JPEG, PNG or WebP images."), "photo_type")
            if image.width * image.height > MAX_PIXELS:
                raise _refuse(_("This photo has too many pixels."), "photo_too_large")
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((MAX_SIDE, MAX_SIDE))
            # Only the pixels travel to the new image: no info, no EXIF, no ICC profile.
            clean = Image.new("RGB", upright.size)
            clean.paste(upright.convert("RGB"))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise _refuse(_("This file is not a readable image."), "photo_unreadable") from error
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=82, optimize=True)
    return ContentFile(out.getvalue(), name="photo.jpg")


def clean_photos(uploads: list[UploadedFile]) -> list[ContentFile]:
    if len(uploads) > MAX_PHOTOS:
        raise _refuse(_("At most three photos per report."), "too_many_photos")
    return [clean_photo(upload) for upload in uploads]
