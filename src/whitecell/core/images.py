"""What the server does with an uploaded image before keeping it (docs/files.md, docs/privacy.md):
it must decode as JPEG, PNG, WebP (or HEIC, with the `heic` extra), within a pixel budget; it is
turned upright from its EXIF orientation, converted to sRGB, and re-encoded from its pixels
alone, so no EXIF (GPS first of all), XMP, ICC profile or comment survives; a thumbnail is made.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import anyio
from fastapi import Request
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from starlette.datastructures import FormData

from whitecell.core.config import Settings
from whitecell.core.errors import FieldError, UnsupportedMediaType, ValidationFailed
from whitecell.core.files import received_file

try:  # optional (the `heic` extra): photos taken on an iPhone
    import pillow_heif
except ImportError:  # pragma: no cover - the extra is installed in development
    HEIC = False
else:
    pillow_heif.register_heif_opener()
    HEIC = True

logger = logging.getLogger("whitecell.images")
# Pillow warns past its own pixel budget (and refuses past twice it); ours, `max_image_pixels`,
# is checked on the declared size before decoding, so the warning says nothing new.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)

THUMBNAIL_PX = 320  # the thumbnail's longer side, in pixels
QUALITY = 90  # JPEG and WebP re-encoding quality
# Decoded format -> (stored format, media type). HEIC is stored as JPEG, which every browser shows;
# MPO is how Pillow names a JPEG carrying a second picture (many phones): its first one is kept.
FORMATS = {
    "JPEG": ("JPEG", "image/jpeg"),
    "MPO": ("JPEG", "image/jpeg"),
    "PNG": ("PNG", "image/png"),
    "WEBP": ("WEBP", "image/webp"),
    **({"HEIF": ("JPEG", "image/jpeg")} if HEIC else {}),
}
ACCEPTED = "JPEG, PNG, WebP" + (" or HEIC" if HEIC else "")
DAMAGED = "the image is damaged and cannot be read"
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


class NotAnImage(ValueError):
    """The bytes are no image we accept."""


class UnreadableImage(ValueError):
    """An image of an accepted format that cannot be decoded, or one too large to decode."""


@dataclass(frozen=True)
class CleanImage:
    content_type: str
    width: int
    height: int


@dataclass
class ReceivedImage:
    form: FormData
    image: Path  # re-encoded, stripped
    thumbnail: Path
    facts: CleanImage


def clean_image(source: Path, image_out: Path, thumbnail_out: Path, max_pixels: int) -> CleanImage:
    """Decode `source`, write it upright and stripped to `image_out` and a thumbnail to
    `thumbnail_out`; NotAnImage or UnreadableImage (nothing written) otherwise."""
    try:
        opened = Image.open(source)
    except UnidentifiedImageError:
        raise NotAnImage(f"the file is not an image ({ACCEPTED} expected)") from None
    except Image.DecompressionBombError:
        raise UnreadableImage(_too_many(None, max_pixels)) from None
    except Exception:  # a damaged file's parser may fail in any way (a bad EXIF value...)
        raise UnreadableImage(DAMAGED) from None
    with opened:
        if opened.format not in FORMATS:
            raise NotAnImage(f"{opened.format} images are not accepted ({ACCEPTED} expected)")
        width, height = opened.size
        if width * height > max_pixels:  # checked before a pixel is decoded
            raise UnreadableImage(_too_many(width * height, max_pixels))
        stored_format, content_type = FORMATS[opened.format]
        try:
            opened.load()
            # Turned upright before the EXIF goes; each step's input is let go (a 50-megapixel
            # photo takes 150 MB a copy).
            pixels = _in_srgb(ImageOps.exif_transpose(opened), opened.info.get("icc_profile"))
        except Exception:  # as above: the decoders' errors are no contract
            raise UnreadableImage(DAMAGED) from None
    pixels = _stripped(pixels, stored_format)
    _save(pixels, image_out, stored_format)
    thumbnail = pixels.copy()
    thumbnail.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX), Image.Resampling.LANCZOS)
    _save(thumbnail, thumbnail_out, stored_format)
    return CleanImage(content_type, pixels.width, pixels.height)


def _too_many(pixels: int | None, max_pixels: int) -> str:
    count = f" ({pixels:,} pixels)" if pixels is not None else ""
    return f"the image is larger than {max_pixels:,} pixels{count}"


def _in_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """The pixels in sRGB when a profile says they are in another space (a Display P3 photo),
    since the profile itself is not kept; as they are when it cannot be applied."""
    if not icc or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        logger.info("an embedded colour profile could not be applied; kept the pixels as they are")
        return image
    return converted if converted is not None else image


def _stripped(image: Image.Image, stored_format: str) -> Image.Image:
    """A new image holding only the pixels: no `info` (EXIF, XMP, ICC, comments, text chunks)."""
    alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if stored_format == "JPEG":
        mode = "L" if image.mode in ("L", "1") else "RGB"
    elif image.mode in ("L", "LA") and stored_format == "PNG":
        mode = image.mode
    else:
        mode = "RGBA" if alpha else "RGB"
    converted = image.convert(mode) if image.mode != mode else image
    clean = Image.new(mode, converted.size)
    clean.paste(converted)
    return clean


def _save(image: Image.Image, path: Path, stored_format: str) -> None:
    if stored_format == "PNG":
        image.save(path, "PNG")
    else:
        image.save(path, stored_format, quality=QUALITY)


@asynccontextmanager
async def received_image(request: Request, settings: Settings) -> AsyncIterator[ReceivedImage]:
    """An uploaded `file` that is an accepted image within `max_image_mb` and
    `max_image_pixels`, cleaned and with its thumbnail (413, 415, 422 naming `file` otherwise)."""
    async with received_file(request, settings, "image", limit_mb=settings.max_image_mb) as got:
        image, thumbnail = got.path.with_name("image"), got.path.with_name("thumbnail")
        try:
            facts = await anyio.to_thread.run_sync(
                clean_image, got.path, image, thumbnail, settings.max_image_pixels
            )
        except NotAnImage as error:
            raise UnsupportedMediaType(
                f"file: {error}", errors=[FieldError("file", str(error))]
            ) from None
        except UnreadableImage as error:
            raise ValidationFailed.field("file", str(error)) from None
        yield ReceivedImage(got.form, image, thumbnail, facts)
