"""Article pages, summary-only feeds and images for the offline-content tests.

Pages have the shape of real news pages (navigation, an in-article ad, a
"most read" list, comments, a footer) around a known article body, so a test
can check both that the body came out and that the boilerplate stayed out.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from email.utils import format_datetime
from html import escape

from feedgen import BASE_TIME

EN_PARAS = [
    "The city council voted on Tuesday to extend the northern tram line by eleven kilometres.",
    "Construction is expected to begin next spring and to last roughly three years, officials said.",
    "Residents of the outlying districts have campaigned for a direct connection since 2015.",
    "The project will cost an estimated 640 million euros, most of it from regional funds.",
    "Opponents argued that the money would be better spent on the bus services that exist.",
    "Trams would run every six minutes at peak times, a spokesperson for the authority said.",
]
ZH_PARAS = [
    "国家统计局周三公布的数据显示，十月份全国规模以上工业增加值同比增长百分之五点二。",
    "分行业看，高技术制造业增加值增长明显快于整体工业，其中电子设备制造业增长较快。",
    "专家表示，随着一系列稳增长政策落地见效，工业生产有望继续保持平稳运行态势。",
    "与此同时，社会消费品零售总额同比增长百分之四点八，比上月加快零点六个百分点。",
    "统计局新闻发言人在发布会上指出，国内需求仍显不足，部分企业经营面临一定困难。",
]
EN_BOILER = "Subscribe to our newsletter for the latest updates"
ZH_BOILER = "版权所有 新闻网 未经授权禁止转载"


def png(width: int, height: int, rgb: tuple[int, int, int] = (200, 60, 40)) -> bytes:
    """A valid RGB PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * width
    raw = row * height
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def article_page(
    title: str,
    paragraphs: list[str],
    images: list[str] = (),  # type: ignore[assignment]
    *,
    chinese: bool = False,
    charset_meta: str = "utf-8",
) -> str:
    """A news page: the article among navigation, an ad, a list and comments."""
    boiler = ZH_BOILER if chinese else EN_BOILER
    nav = "".join(f'<li><a href="/s/{i}">{w}</a></li>' for i, w in enumerate(
        ["首页", "国内", "国际", "财经"] if chinese else ["Home", "World", "Business", "Sport"]
    ))  # fmt: skip
    figures = "".join(
        f'<figure><img src="{escape(src)}" alt="photo {n}" width="640" height="360">'
        f"<figcaption>{'图' if chinese else 'Photo'} {n}</figcaption></figure>"
        for n, src in enumerate(images)
    )
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs[:2])
    body += figures
    body += '<div class="ad">Advertisement: premium membership 50% off</div>'
    body += "".join(f"<p>{escape(p)}</p>" for p in paragraphs[2:])
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    return (
        f"<!DOCTYPE html><html><head>{meta}<title>{escape(title)}</title>"
        '<script>var tracker = "x";</script></head><body>'
        f'<header><nav><ul>{nav}</ul></nav><div class="promo">{boiler}</div></header>'
        f'<main><article><h1>{escape(title)}</h1><div class="byline">2026-11-20</div>'
        f'<div class="entry-content">{body}</div></article>'
        '<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/x">Another story</a></li>'
        "</ul></aside>"
        '<section id="comments"><h3>Comments</h3><div class="comment"><p>great article, '
        "thanks for sharing!!!</p></div></section></main>"
        f"<footer><p>{boiler}</p></footer></body></html>"
    )


@dataclass(frozen=True, slots=True)
class Item:
    title: str
    link: str
    summary: str  # HTML


def summary_rss(title: str, items: list[Item], *, link: str = "http://127.0.0.1/") -> bytes:
    """An RSS feed that carries only a one-line description per entry."""
    parts = []
    for n, item in enumerate(items):
        parts.append(
            f"<item><title>{escape(item.title)}</title><link>{escape(item.link)}</link>"
            f'<guid isPermaLink="false">{escape(item.link)}#{n}</guid>'
            f"<pubDate>{format_datetime(BASE_TIME)}</pubDate>"
            f"<description>{escape(item.summary)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>{escape(link)}</link><description>d</description>"
        + "".join(parts)
        + "</channel></rss>"
    ).encode()
