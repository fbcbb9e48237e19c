"""Images kept in the cache: which to fetch, how, and where their files live.

One file per image under ``<cache dir>/images/``, named by a hash of the
image URL, so an image shared by many articles is stored once and the article
view finds it from the URL alone (`cached_image`), without a query.

What is never fetched: anything but http(s) (``data:``, ``file:``...), images
the markup declares 1×1, and URLs of known tracking beacons.  What is fetched
is checked: the response must say ``image/*``, stay under the per-image byte
cap (the Fetcher's body cap) and not turn out to be a 1×1 pixel.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import struct
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from newsreader.core.errors import NewsreaderError
from newsreader.core.model import Enclosure

if TYPE_CHECKING:  # the article view imports this module: no HTTP stack at startup
    from newsreader.core.fetch import Fetcher

__all__ = [
    "IMAGE_ACCEPT",
    "MAX_IMAGES_PER_ARTICLE",
    "MAX_IMAGE_BYTES",
    "ImageSkipped",
    "best_srcset",
    "cached_image",
    "display_src",
    "fetch_image",
    "image_dims",
    "image_file",
    "image_urls",
    "images_dir",
    "is_beacon",
    "url_key",
]

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGES_PER_ARTICLE = 30
IMAGE_ACCEPT = "image/avif, image/webp, image/png, image/jpeg, image/gif, image/*;q=0.8"

_IMG_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR_RE = re.compile(r'\b(src|srcset|width|height)\s*=\s*"([^"]*)"', re.IGNORECASE)
# Hosts and paths that serve tracking pixels, not pictures.
_BEACON_HOSTS = (
    "feeds.feedburner.com",
    "feedproxy.google.com",
    "pixel.wp.com",
    "stats.wp.com",
    "pixel.quantserve.com",
    "b.scorecardresearch.com",
    "sb.scorecardresearch.com",
    "www.google-analytics.com",
    "ad.doubleclick.net",
    "pixel.mathtag.com",
    "hm.baidu.com",
    "cnzz.com",
)
_BEACON_PATH_RE = re.compile(
    r"(/~r/|/~ff/|/pixel(\.|/|\?|$)|/beacon|/tracking?[/.?]|/track/|/open\.gif|/1x1\.|"
    r"/spacer\.gif|/blank\.gif|/transparent\.gif|/clear\.gif|/__utm\.gif|/count\.gif)",
    re.IGNORECASE,
)


class ImageSkipped(NewsreaderError):
    """The response was not an image worth keeping (not image/*, a pixel)."""


# -- where files live -----------------------------------------------------------


def url_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def images_dir(cache_dir: Path) -> Path:
    return cache_dir / "images"


def image_file(cache_dir: Path, url: str) -> Path:
    key = url_key(url)
    return images_dir(cache_dir) / key[:2] / key


def cached_image(cache_dir: Path, url: str) -> Path | None:
    """The cached file of `url`, or None: a stat, never the network."""
    path = image_file(cache_dir, url)
    return path if path.is_file() else None


# -- which images an article references -----------------------------------------


def best_srcset(srcset: str) -> str:
    """The largest candidate of a srcset ("" when none is http(s))."""
    best, best_score = "", -1.0
    for candidate in re.split(r",\s+", srcset.strip()):
        url, _, descriptor = candidate.strip().partition(" ")
        if not _is_web(url):
            continue
        descriptor = descriptor.strip().lower()
        score = 1.0
        try:
            if descriptor.endswith("w"):
                score = float(descriptor[:-1])
            elif descriptor.endswith("x"):
                score = float(descriptor[:-1]) * 1000
        except ValueError:
            score = 1.0
        if score > best_score:
            best, best_score = url, score
    return best


def display_src(src: str, srcset: str) -> str:
    """The one URL an <img> is fetched and shown from: the srcset's best
    candidate when there is one, else `src`.  The downloader and the renderer
    both use this, so they always agree on the file."""
    chosen = best_srcset(html.unescape(srcset)) if srcset else ""
    return chosen or html.unescape(src)


def is_beacon(url: str, width: str = "", height: str = "") -> bool:
    """A tracking pixel by its declared size or its URL."""
    if width.strip() in ("0", "1") or height.strip() in ("0", "1"):
        return True
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if any(host == h or host.endswith("." + h) for h in _BEACON_HOSTS):
        return True
    return bool(_BEACON_PATH_RE.search(parts.path + ("?" + parts.query if parts.query else "")))


def image_urls(
    body_html: str,
    enclosures: Iterable[Enclosure] = (),
    *,
    limit: int = MAX_IMAGES_PER_ARTICLE,
) -> list[str]:
    """The http(s) images an article shows, in order, without duplicates or beacons."""
    found: list[str] = []
    seen: set[str] = set()

    def add(url: str) -> None:
        url = url.strip()
        if url and url not in seen and _is_web(url) and len(found) < limit:
            seen.add(url)
            found.append(url)

    for match in _IMG_RE.finditer(body_html):
        attrs = {k.lower(): v for k, v in _ATTR_RE.findall(match.group(0))}
        url = display_src(attrs.get("src", ""), attrs.get("srcset", ""))
        if not is_beacon(url, attrs.get("width", ""), attrs.get("height", "")):
            add(url)
    for enclosure in enclosures:
        if enclosure.type.lower().startswith("image/") and not is_beacon(enclosure.url):
            add(enclosure.url)
    return found


def _is_web(url: str) -> bool:
    return urlsplit(url.strip()).scheme.lower() in ("http", "https") and "//" in url


# -- fetching -------------------------------------------------------------------


def fetch_image(fetcher: Fetcher, url: str, cache_dir: Path) -> int:
    """Download `url` into its cache file; return its size in bytes.

    Raises FetchError (network, status, over the byte cap) or ImageSkipped.
    The file appears atomically (written aside, then renamed).
    """
    from newsreader.core.fetch import NotModified

    if not _is_web(url):
        raise ImageSkipped("Only http and https images are fetched")
    got = fetcher.fetch(url, accept=IMAGE_ACCEPT)
    if isinstance(got, NotModified):  # no validators were sent; a broken server
        raise ImageSkipped("The server answered 304 to a plain request")
    kind = got.headers.get("content-type", "").split(";")[0].strip().lower()
    if not kind.startswith("image/"):
        raise ImageSkipped(f"Not an image ({kind or 'no content type'})")
    dims = image_dims(got.content)
    if dims is not None and dims[0] <= 1 and dims[1] <= 1:
        raise ImageSkipped("A 1×1 tracking pixel")
    path = image_file(cache_dir, url)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".part-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(got.content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(got.content)


def image_dims(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG, GIF, JPEG or WebP header; None if unknown."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return int(w), int(h)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return int(w), int(h)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP" and len(data) >= 30:
        chunk = data[12:16]
        if chunk == b"VP8X":
            w = int.from_bytes(data[24:27], "little") + 1
            h = int.from_bytes(data[27:30], "little") + 1
            return w, h
        if chunk == b"VP8 " and len(data) >= 30:
            w, h = struct.unpack("<HH", data[26:30])
            return int(w) & 0x3FFF, int(h) & 0x3FFF
        if chunk == b"VP8L" and len(data) >= 25:
            bits = int.from_bytes(data[21:25], "little")
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
        return None
    if data.startswith(b"\xff\xd8"):
        return _jpeg_dims(data)
    return None


def _jpeg_dims(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            h, w = struct.unpack(">HH", data[i + 5 : i + 9])
            return int(w), int(h)
        i += 2 + length
    return None
