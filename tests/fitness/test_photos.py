"""Progress photos uploaded through the storage layer: decoded, turned upright, stripped of every
EXIF (GPS first), XMP and ICC tag and re-encoded, with a thumbnail; refusals that store nothing;
private to their owner like PDFs; files leaving with their row; two photos compared."""

from __future__ import annotations

import io
import os
import struct
import time
import uuid
import zlib
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from PIL import ExifTags, Image, ImageCms

from tests.pdfs import pdf_bytes
from tests.samples import sample_body
from tests.support import Api, ClientFactory, Person, api_with
from tests.support_s3 import S3Server
from whitecell.cleanup import cleanup
from whitecell.core import files, images
from whitecell.core.tables import REGISTRY

PHOTO = {"date": "2026-11-20", "angle": "front", "weight": 81.5, "tags": ["cut"]}


def photo_bytes(
    fmt: str = "JPEG", size: tuple[int, int] = (800, 400), *, orientation: int = 6
) -> bytes:
    """A photo whose left half is red and right half blue, carrying GPS, a maker, an
    orientation, XMP, a comment and an ICC profile."""
    image = Image.new("RGB", size, (220, 20, 20))
    image.paste((20, 20, 220), (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "SecretPhoneMaker"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (48.0, 51.0, 29.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (2.0, 17.0, 40.0),
        }
    )
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    extra: dict[str, Any] = {"exif": exif, "icc_profile": icc}
    if fmt in ("JPEG", "WEBP", "PNG"):
        extra["xmp"] = b"<x:xmpmeta>SecretXmpOwner</x:xmpmeta>"
    if fmt == "JPEG":
        extra["comment"] = b"SecretComment"
    out = io.BytesIO()
    image.save(out, fmt, **extra)
    return out.getvalue()


def huge_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A valid-looking PNG of a few bytes declaring a canvas of `width` x `height`."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


async def upload(
    api: Api, who: Person, content: bytes, name: str = "photo.jpg", **fields: Any
) -> httpx.Response:
    document = orjson.dumps({**PHOTO, **fields}).decode()
    return await api.client.post(
        "/api/v1/progress_photos/upload",
        files={"file": (name, content, "application/octet-stream")},
        data={"document": document},
        headers=who.headers,
    )


def stored(api: Api) -> list[Path]:
    root = api.context.settings.data_dir / "files"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def rows(api: Api) -> int:
    async with api.context.store.read() as tx:
        return int(await tx.scalar('SELECT count(*) FROM "progress_photos"'))


async def fetch(api: Api, who: Person | None, photo: dict[str, Any], variant: str) -> Any:
    headers = who.headers if who else {}
    return await api.client.get(
        f"/api/v1/progress_photos/{photo['_id']}/{variant}", headers=headers
    )


async def test_an_uploaded_photo_comes_back_upright_without_any_metadata(api: Api) -> None:
    original = photo_bytes()
    assert b"SecretPhoneMaker" in original and b"SecretXmpOwner" in original
    response = await upload(api, api.a, original)
    assert response.status_code == 201, response.text
    photo = response.json()
    assert photo["imageUrl"].endswith(f"/api/v1/progress_photos/{photo['_id']}/image")
    assert photo["thumbnailUrl"].endswith(f"/api/v1/progress_photos/{photo['_id']}/thumbnail")
    assert (photo["width"], photo["height"], photo["contentType"]) == (400, 800, "image/jpeg")
    assert (photo["angle"], photo["weight"], photo["tags"]) == ("front", 81.5, ["cut"])

    served = await fetch(api, api.a, photo, "image")
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    for secret in (b"SecretPhoneMaker", b"SecretXmpOwner", b"SecretComment", b"Exif"):
        assert secret not in served.content
    image = Image.open(io.BytesIO(served.content))
    assert image.size == (400, 800)  # orientation 6 applied: the portrait the phone showed
    exif = image.getexif()
    assert len(exif) == 0 and exif.get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
    top, bottom = image.getpixel((200, 50)), image.getpixel((200, 750))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0]  # left half went up

    thumb = await fetch(api, api.a, photo, "thumbnail")
    assert thumb.status_code == 200
    small = Image.open(io.BytesIO(thumb.content))
    assert small.size == (160, 320) and len(small.getexif()) == 0
    assert b"SecretPhoneMaker" not in thumb.content


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("PNG", "image/png"), ("WEBP", "image/webp")]
    + ([("HEIF", "image/jpeg")] if images.HEIC else []),
)
async def test_png_webp_and_heic_photos_are_stripped_too(
    api: Api, fmt: str, content_type: str
) -> None:
    original = photo_bytes(fmt, (300, 200), orientation=8)
    response = await upload(api, api.a, original, name=f"photo.{fmt.lower()}")
    assert response.status_code == 201, response.text
    photo = response.json()
    # Orientation 8 turns the 300 x 200 picture upright; a HEIC's turn is its own `irot` box,
    # which the decoder applies (its EXIF orientation is reset when the file is written).
    upright = (300, 200) if fmt == "HEIF" else (200, 300)
    assert (photo["width"], photo["height"], photo["contentType"]) == (*upright, content_type)
    served = await fetch(api, api.a, photo, "image")
    assert served.headers["content-type"] == content_type
    image = Image.open(io.BytesIO(served.content))
    assert len(image.getexif()) == 0 and not {"exif", "xmp", "icc_profile"} & set(image.info)
    assert b"SecretPhoneMaker" not in served.content and b"SecretXmpOwner" not in served.content


@pytest.mark.parametrize(
    ("content", "status", "words"),
    [
        (b"just some words, not a picture", 415, "not an image"),
        (pdf_bytes(2), 415, "not an image"),
        (photo_bytes("GIF", (20, 20)), 415, "GIF images are not accepted"),
        (photo_bytes()[:300], 422, "damaged"),
        (huge_png(), 422, "larger than"),
        (huge_png(9_000, 9_000), 422, "81,000,000 pixels"),
        (b"", 422, "empty"),
    ],
    ids=["text", "pdf", "gif", "truncated", "bomb", "over-the-pixel-cap", "empty"],
)
async def test_non_images_and_bombs_are_refused_and_nothing_is_stored(
    api: Api, content: bytes, status: int, words: str
) -> None:
    response = await upload(api, api.a, content)
    assert response.status_code == status, response.text
    problem = response.json()
    assert problem["errors"][0]["field"] == "file" and words in problem["detail"]
    assert await rows(api) == 0 and stored(api) == []


async def test_the_size_and_pixel_limits_are_settings(make_client: ClientFactory) -> None:
    api = await api_with(make_client, max_image_mb=1, max_image_pixels=10_000)
    too_big = await upload(api, api.a, b"\xff\xd8" + b"\x00" * 1_200_000)
    assert too_big.status_code == 413 and too_big.json()["errors"][0]["field"] == "file"
    too_many = await upload(api, api.a, photo_bytes(size=(200, 100)))
    assert too_many.status_code == 422 and "10,000 pixels" in too_many.json()["detail"]
    assert await rows(api) == 0 and stored(api) == []
    fits = await upload(api, api.a, photo_bytes(size=(100, 100)))
    assert fits.status_code == 201


async def test_bad_fields_name_the_field_and_store_nothing(api: Api) -> None:
    wrong_angle = await upload(api, api.a, photo_bytes(), angle="above")
    assert wrong_angle.status_code == 422 and wrong_angle.json()["errors"][0]["field"] == "angle"
    server_owned = await upload(api, api.a, photo_bytes(), width=10)
    assert server_owned.status_code == 422 and "width" in server_owned.json()["detail"]
    assert await rows(api) == 0 and stored(api) == []


async def test_nobody_else_reaches_the_files_but_a_signed_link_does(api: Api) -> None:
    photo = (await upload(api, api.a, photo_bytes())).json()
    for variant in ("image", "thumbnail"):
        assert (await fetch(api, api.b, photo, variant)).status_code == 404
        assert (await fetch(api, None, photo, variant)).status_code == 401
        url = f"/api/v1/progress_photos/{photo['_id']}/{variant}/link"
        assert (await api.client.post(url, headers=api.b.headers)).status_code == 404
    assert (await api.get(api.b, f"progress_photos/{photo['_id']}")).status_code == 404

    answer = await api.client.post(
        f"/api/v1/progress_photos/{photo['_id']}/thumbnail/link", headers=api.a.headers
    )
    assert answer.status_code == 200
    link = answer.json()["url"]
    opened = await api.client.get(link)
    assert opened.status_code == 200 and Image.open(io.BytesIO(opened.content)).size == (160, 320)
    # A thumbnail's link does not open the full image, nor does a tampered one.
    assert (await api.client.get(link.replace("/thumbnail?", "/image?"))).status_code == 403
    assert (await api.client.get(link[:-1] + ("0" if link[-1] != "0" else "1"))).status_code == 403
    past = int(time.time()) - 1
    mac = files.signature(
        api.context.settings.secret, REGISTRY["progress_photos"], photo["_id"], past, "image"
    )
    expired = await api.client.get(
        f"/api/v1/progress_photos/{photo['_id']}/image",
        params={"expires": past, "signature": mac},
    )
    assert expired.status_code == 403


async def test_deleting_the_photo_deletes_both_files(api: Api) -> None:
    photo = (await upload(api, api.a, photo_bytes())).json()
    assert sorted(p.suffix for p in stored(api)) == [".image", ".thumbnail"]
    deleted = await api.client.delete(
        f"/api/v1/progress_photos/{photo['_id']}", headers=api.a.headers
    )
    assert deleted.status_code == 204
    await api.context.reaper.drain()
    assert stored(api) == []
    assert (await fetch(api, api.a, photo, "image")).status_code == 404


async def test_the_cleanup_sweeps_photo_files_left_without_a_row(api: Api) -> None:
    for job in api.context.jobs:
        await job.stop()
    kept = (await upload(api, api.a, photo_bytes())).json()
    root = api.context.settings.data_dir / "files" / "progress_photos" / api.a.id
    orphans = [root / "01old.image", root / "01old.thumbnail"]
    long_ago = time.time() - 7200
    for path in orphans:
        path.write_bytes(b"\xff\xd8")
    for path in root.iterdir():
        os.utime(path, (long_ago, long_ago))
    removed = await cleanup(api.context)
    assert removed["orphan_files"] == 2
    assert sorted(p.name for p in root.iterdir()) == [
        f"{kept['_id']}.image",
        f"{kept['_id']}.thumbnail",
    ]


async def test_a_photo_given_as_a_link_still_works_for_older_clients(api: Api) -> None:
    body = sample_body("progress_photos", imageUrl="https://example.com/me.jpg")
    photo = await api.create(api.a, "progress_photos", body)
    assert photo["imageUrl"] == "https://example.com/me.jpg" and photo["thumbnailUrl"] is None
    assert (await fetch(api, api.a, photo, "image")).status_code == 404


async def test_pdfs_still_upload_beside_images(api: Api) -> None:
    book = await api.client.post(
        "/api/v1/textbooks/upload",
        files={"file": ("b.pdf", pdf_bytes(3), "application/pdf")},
        data={"document": orjson.dumps({"title": "T", "subject": "s", "bookmarks": []}).decode()},
        headers=api.a.headers,
    )
    assert book.status_code == 201 and book.json()["pages"] == 3
    photo = await upload(api, api.a, photo_bytes(size=(64, 64)), name="x.pdf")
    assert photo.status_code == 201
    as_pdf = await upload(api, api.a, pdf_bytes(1), name="photo.jpg")
    assert as_pdf.status_code == 415


async def test_two_photos_of_an_angle_are_compared_with_the_weight_between(api: Api) -> None:
    async def photo(day: str, angle: str = "front", **more: Any) -> dict[str, Any]:
        body = {"date": day, "angle": angle, "imageUrl": "https://example.com/p.jpg", **more}
        return await api.create(api.a, "progress_photos", body)

    september = await photo("2026-09-01", weight=90.0)
    await photo("2026-10-15", angle="side")
    november = await photo("2026-11-28", weight=84.0)
    await photo("2026-12-02")  # after `to`: not the nearest on or before it
    await api.create(api.a, "measurements", {"date": "2026-08-30", "weight": 198.0, "unit": "lbs"})
    await api.create(api.a, "measurements", {"date": "2026-11-27", "weight": 83.5, "unit": "kg"})

    params = {"angle": "front", "from": "2026-09-10", "to": "2026-12-01"}
    answer = (await api.get(api.a, "progress_photos/compare", **params)).json()
    assert (answer["from"]["_id"], answer["to"]["_id"]) == (september["_id"], november["_id"])
    assert answer["days"] == 88
    assert (answer["weightChange"], answer["unit"]) == (round(83.5 - 198 * 0.45359237, 2), "kg")

    side = (await api.get(api.a, "progress_photos/compare", **{**params, "angle": "side"})).json()
    assert side["from"] is None and side["to"] is not None and side["weightChange"] is None
    others = (await api.get(api.b, "progress_photos/compare", **params)).json()
    assert others["from"] is None and others["to"] is None  # nobody else's photos
    backwards = await api.get(api.a, "progress_photos/compare", **{**params, "to": "2026-09-01"})
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "from"
    bad_angle = await api.get(api.a, "progress_photos/compare", **{**params, "angle": "top"})
    assert bad_angle.status_code == 422 and bad_angle.json()["errors"][0]["field"] == "angle"


async def test_without_measurements_the_photos_own_weights_are_compared(api: Api) -> None:
    for day, weight in (("2026-10-01", 70.0), ("2026-11-01", 72.5)):
        body = {"date": day, "angle": "back", "imageUrl": "https://example.com/p.jpg"}
        await api.create(api.a, "progress_photos", {**body, "weight": weight})
    params = {"angle": "back", "from": "2026-10-01", "to": "2026-11-30"}
    answer = (await api.get(api.a, "progress_photos/compare", **params)).json()
    assert (answer["weightChange"], answer["unit"], answer["days"]) == (2.5, None, 31)


async def test_photos_in_an_s3_bucket_work_the_same(
    make_client: ClientFactory, s3: S3Server
) -> None:
    bucket = f"wc-{uuid.uuid4().hex[:12]}"
    s3.client().create_bucket(Bucket=bucket)
    api = await api_with(make_client, **s3.settings(bucket, "whitecell"))
    photo = (await upload(api, api.a, photo_bytes())).json()
    prefix = f"whitecell/progress_photos/{api.a.id}/{photo['_id']}"
    listed = s3.client().list_objects_v2(Bucket=bucket)["Contents"]
    assert sorted(item["Key"] for item in listed) == [f"{prefix}.image", f"{prefix}.thumbnail"]
    served = await fetch(api, api.a, photo, "image")
    assert served.status_code == 200 and len(Image.open(io.BytesIO(served.content)).getexif()) == 0
    assert (await fetch(api, api.b, photo, "thumbnail")).status_code == 404
    await api.client.delete(f"/api/v1/progress_photos/{photo['_id']}", headers=api.a.headers)
    await api.context.reaper.drain()
    assert s3.client().list_objects_v2(Bucket=bucket).get("KeyCount") == 0
