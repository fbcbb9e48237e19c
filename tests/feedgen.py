"""Generate realistic RSS/Atom feeds for tests and the benchmark farm.

Deterministic: the same arguments always give the same bytes, so ETags are
stable and a re-served feed is "unchanged".
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

EN_WORDS = (
    "government market election storm climate energy city council river bank "
    "report study scientists school budget vote court minister talks border "
    "trade company shares record season team match health hospital vaccine "
    "water rail airport bridge festival museum library internet software data"
).split()

ZH_PHRASES = (
    "国务院 召开 常务会议 部署 经济 工作 网络 安全 茶叶 出口 增长 城市 交通 "
    "高铁 开通 运营 科技 创新 人工智能 发展 教育 改革 医疗 保障 气候 变化 "
    "暴雨 预警 股市 上涨 央行 利率 新能源 汽车 销量 体育 比赛 冠军 文化 "
    "博物馆 展览 旅游 假期 铁路 运输 农业 丰收 粮食 安全"
).split()

BASE_TIME = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)

# Headlines draw on a big vocabulary (pseudo-words, common Chinese
# characters), as real headlines do: random titles from the 50 words above
# would share so many words that unrelated entries looked like one story.
_SYLLABLES = [c + v for c in "bdfghklmnprstvz" for v in ("a", "e", "i", "o", "u", "ai", "or")]
TITLE_WORDS = [a + b + c for a in _SYLLABLES for b in _SYLLABLES[::4] for c in _SYLLABLES[::9]]
TITLE_CHARS = [chr(cp) for cp in range(0x4E00, 0x4E00 + 3000, 3)]


@dataclass(frozen=True, slots=True)
class GenEntry:
    guid: str
    title: str
    link: str
    html: str
    published: datetime
    author: str = ""


def _sentence(rng: random.Random, chinese: bool) -> str:
    if chinese:
        words = rng.choices(ZH_PHRASES, k=rng.randint(8, 16))
        return "".join(words) + "。"
    words = rng.choices(EN_WORDS, k=rng.randint(8, 18))
    return " ".join(words).capitalize() + "."


def _headline(rng: random.Random, chinese: bool) -> str:
    if chinese:
        return rng.choice(ZH_PHRASES) + "".join(rng.choices(TITLE_CHARS, k=rng.randint(8, 14)))
    words = [rng.choice(EN_WORDS), *rng.choices(TITLE_WORDS, k=rng.randint(5, 9))]
    return " ".join(words).capitalize()


def make_entries(
    feed_no: int,
    count: int,
    *,
    chinese: bool = False,
    body_bytes: int = 2000,
    base: str = "http://127.0.0.1:9",  # nothing listens: a fetch fails at once
    seed: int = 0,
) -> list[GenEntry]:
    """`count` entries, newest first, with paragraphs, links and images."""
    rng = random.Random(feed_no * 7919 + seed)
    entries = []
    for i in range(count):
        title = _headline(rng, chinese)
        parts: list[str] = []
        size = 0
        while size < body_bytes:
            kind = rng.random()
            if kind < 0.1:
                chunk = f'<p><img src="/img/{feed_no}/{i}-{size}.jpg" alt="photo"></p>'
            elif kind < 0.2:
                chunk = (
                    f'<p>See <a href="{base}/related/{rng.randint(1, 999)}">'
                    f"{_sentence(rng, chinese)}</a></p>"
                )
            else:
                chunk = "<p>" + " ".join(_sentence(rng, chinese) for _ in range(3)) + "</p>"
            parts.append(chunk)
            size += len(chunk.encode("utf-8"))
        entries.append(
            GenEntry(
                guid=f"{base}/feed{feed_no}/item{i}",
                title=title,
                link=f"{base}/feed{feed_no}/item{i}.html",
                html="".join(parts),
                published=BASE_TIME - timedelta(minutes=37 * i + feed_no),
                author="记者 王伟" if chinese else "Jane Doe",
            )
        )
    return entries


def rss(
    title: str,
    entries: list[GenEntry],
    *,
    link: str = "http://example.test/",
    encoding: str = "utf-8",
    with_guid: bool = True,
    with_dates: bool = True,
) -> bytes:
    items = []
    for e in entries:
        parts = [f"<title>{escape(e.title)}</title>"]
        if e.link:
            parts.append(f"<link>{escape(e.link)}</link>")
        if with_guid:
            parts.append(f'<guid isPermaLink="false">{escape(e.guid)}</guid>')
        if with_dates:
            parts.append(f"<pubDate>{format_datetime(e.published)}</pubDate>")
        if e.author:
            parts.append(f"<dc:creator>{escape(e.author)}</dc:creator>")
        parts.append(f"<description>{escape(e.html[:300])}</description>")
        parts.append(f"<content:encoded><![CDATA[{e.html}]]></content:encoded>")
        items.append("<item>" + "".join(parts) + "</item>")
    doc = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{escape(title)}</title><link>{escape(link)}</link>"
        f"<description>{escape(title)}</description>" + "".join(items) + "</channel></rss>"
    )
    return doc.encode(encoding)


def atom(title: str, entries: list[GenEntry], *, link: str = "http://example.test/") -> bytes:
    items = []
    for e in entries:
        items.append(
            "<entry>"
            f"<id>{escape(e.guid)}</id><title>{escape(e.title)}</title>"
            f'<link rel="alternate" href="{escape(e.link)}"/>'
            f"<updated>{e.published.isoformat()}</updated>"
            f"<author><name>{escape(e.author)}</name></author>"
            f'<content type="html">{escape(e.html)}</content>'
            "</entry>"
        )
    doc = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>{escape(link)}</id>"
        f'<link rel="alternate" href="{escape(link)}"/>'
        f"<updated>{BASE_TIME.isoformat()}</updated>" + "".join(items) + "</feed>"
    )
    return doc.encode("utf-8")
