"""Photos from citizens: type and size checked, turned upright, resized, every metadata byte dropped."""

import io
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.images import get_image_dimensions
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
    except Image.DecompressionBombError as error:  # Pillow's own limit, above ours: a bomb, said as such
        raise _refuse(_("This photo has too many pixels."), "photo_too_large") from error
    except (UnidentifiedImageError, OSError) as error:
        raise _refuse(_("This file is not a readable image."), "photo_unreadable") from error
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=82, optimize=True)
    return ContentFile(out.getvalue(), name="photo.jpg")


def clean_photos(uploads: list[UploadedFile]) -> list[ContentFile]:
    if len(uploads) > MAX_PHOTOS:
        raise _refuse(_("At most three photos per report."), "too_many_photos")
    return [clean_photo(upload) for upload in uploads]


class StorageUnavailable(Exception):
    """The photos could not be written (disk full, folder unwritable): nothing of them is left behind."""


def store(photo_model: Any, complaint: object, contents: list[ContentFile]) -> list[str]:
    """Write each photo and its row; on a storage error, remove every file written so far (a partly written one
    too) and raise StorageUnavailable. Returns the stored names, for `discard` if the report is refused later."""
    field = photo_model._meta.get_field("image")
    stored: list[str] = []
    for content in contents:
        photo = photo_model(complaint=complaint)
        name = field.storage.get_available_name(field.generate_filename(photo, content.name))
        try:
            stored.append(field.storage.save(name, content))
        except OSError as error:
            discard([*stored, name])
            raise StorageUnavailable(str(error)) from error
        photo.image = stored[-1]  # the dimensions are read from the stored file
        photo.save()
    return stored


def write(photo_model: Any, contents: list[ContentFile]) -> list[tuple[str, int, int]]:
    """Write each photo's file (no row): its stored name, width and height. On a storage error, remove every file
    written so far (a partly written one too) and raise StorageUnavailable; `discard` them if the report fails."""
    field = photo_model._meta.get_field("image")
    written: list[tuple[str, int, int]] = []
    for content in contents:
        width, height = get_image_dimensions(content)
        name = field.storage.get_available_name(field.generate_filename(photo_model(), content.name))
        try:
            written.append((field.storage.save(name, content), width or 0, height or 0))
        except OSError as error:
            discard([*(stored for stored, _, _ in written), name])
            raise StorageUnavailable(str(error)) from error
    return written


def discard(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        try:
            if default_storage.exists(name):
                default_storage.delete(name)
        except OSError:
            pass  # an unwritable folder keeps nothing we could delete either
