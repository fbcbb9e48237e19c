"""Cached images: which URLs are taken, what is fetched, where files land."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from feedserver import FeedServer
from mediagen import png
from newsreader.core.errors import FetchError
from newsreader.core.fetch import Fetcher, FetchLimits
from newsreader.core.images import (
    ImageSkipped,
    best_srcset,
    cached_image,
    display_src,
    fetch_image,
    image_dims,
    image_file,
    image_urls,
    is_beacon,
)
from newsreader.core.model import Enclosure


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FetchLimits(deadline=2, max_bytes=64 * 1024)) as f:
        yield f


def test_image_urls_in_order_without_duplicates_beacons_or_other_schemes() -> None:
    body = (
        '<p><img src="https://a.test/1.jpg" alt="one"></p>'
        '<img src="https://a.test/1.jpg">'
        '<img src="data:image/png;base64,AAAA">'
        '<img src="file:///etc/passwd">'
        '<img src="javascript:alert(1)">'
        '<img src="https://a.test/spacer.png" width="1" height="1">'
        '<img src="https://feeds.feedburner.com/~r/x/~4/abc">'
        '<img src="https://a.test/small.jpg" srcset="https://a.test/s.jpg 320w, '
        'https://a.test/l.jpg 1280w, https://a.test/m.jpg 640w">'
    )
    enclosures = (
        Enclosure("https://a.test/cover.png", "image/png"),
        Enclosure("https://a.test/show.mp3", "audio/mpeg"),
        Enclosure("file:///tmp/x.png", "image/png"),
    )
    assert image_urls(body, enclosures) == [
        "https://a.test/1.jpg",
        "https://a.test/l.jpg",
        "https://a.test/cover.png",
    ]
    assert len(image_urls(body * 1, enclosures, limit=2)) == 2


def test_srcset_choice() -> None:
    assert best_srcset("a.jpg 1x, https://x.test/b.jpg 2x, https://x.test/c.jpg 1x") == (
        "https://x.test/b.jpg"
    )
    assert best_srcset("data:image/png;base64,AA 2x") == ""
    assert display_src("https://x.test/a.jpg", "") == "https://x.test/a.jpg"
    assert display_src("https://x.test/a.jpg?a=1&amp;b=2", "") == "https://x.test/a.jpg?a=1&b=2"


def test_beacons() -> None:
    assert is_beacon("https://stats.wp.com/b.gif?v=1")
    assert is_beacon("https://news.example/track/open.gif?id=9")
    assert is_beacon("https://x.test/a.jpg", width="1")
    assert not is_beacon("https://x.test/photos/pixel-art-contest.jpg")


def test_dimensions_from_headers() -> None:
    assert image_dims(png(3, 2)) == (3, 2)
    assert image_dims(b"GIF89a\x01\x00\x01\x00rest") == (1, 1)
    jpeg = (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        b"\xff\xc0\x00\x11\x08\x00\x20\x00\x40\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    )
    assert image_dims(jpeg) == (64, 32)
    assert image_dims(b"not an image") is None


def test_fetch_stores_one_file_named_by_url(
    feed_server: FeedServer, fetcher: Fetcher, tmp_path: Path
) -> None:
    data = png(40, 30)
    feed_server.add("/a.png", data, content_type="image/png")
    url = feed_server.url("/a.png")
    assert cached_image(tmp_path, url) is None
    assert fetch_image(fetcher, url, tmp_path) == len(data)
    path = cached_image(tmp_path, url)
    assert path == image_file(tmp_path, url)
    assert path is not None and path.read_bytes() == data
    assert path.is_relative_to(tmp_path / "images")
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".part-")]


def test_fetch_refuses_what_is_no_picture(
    feed_server: FeedServer, fetcher: Fetcher, tmp_path: Path
) -> None:
    feed_server.add("/pixel.png", png(1, 1), content_type="image/png")
    with pytest.raises(ImageSkipped, match="1×1"):
        fetch_image(fetcher, feed_server.url("/pixel.png"), tmp_path)
    feed_server.add("/page", "<html></html>", content_type="text/html")
    with pytest.raises(ImageSkipped, match="Not an image"):
        fetch_image(fetcher, feed_server.url("/page"), tmp_path)
    feed_server.add("/big.png", png(400, 400, (1, 2, 3)) + b"\0" * 200_000,
                    content_type="image/png")  # fmt: skip
    with pytest.raises(FetchError, match="larger than"):
        fetch_image(fetcher, feed_server.url("/big.png"), tmp_path)
    for url in ("file:///etc/hostname", "data:image/png;base64,iVBORw0KGgo="):
        with pytest.raises(ImageSkipped):
            fetch_image(fetcher, url, tmp_path)
    assert not (tmp_path / "images").exists() or not any((tmp_path / "images").rglob("*"))
    assert feed_server.count("/etc/hostname") == 0
