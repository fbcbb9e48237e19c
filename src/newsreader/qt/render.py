"""Turn an article from the cache into the HTML page the article view shows.

Metadata (title, author, source) is escaped here; only the body, sanitized at
ingest, goes in as HTML.  Images are never loaded from the network: an image
that is not in the local cache is replaced by its alt text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication

from newsreader.core.images import display_src, is_beacon
from newsreader.core.media import FullTextInfo
from newsreader.core.model import Article
from newsreader.qt.timefmt import format_datetime

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r'\b(src|alt|srcset|width|height)="([^"]*)"', re.IGNORECASE)
# Links in the full-text note that switch between the two versions.
SHOW_FEED_VERSION = "newsreader:feed-version"
SHOW_FULL_TEXT = "newsreader:full-text"
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")

# Qt's rich text understands a subset of CSS 2.1; line-height works as a percentage.
STYLE = """
body { font-size: %(px)dpx; color: %(text)s; }
h1 { font-size: %(h1)dpx; font-weight: 600; margin: 0 0 6px 0; }
.meta { color: %(muted)s; font-size: %(small)dpx; margin: 0 0 4px 0; }
.meta a { color: %(muted)s; }
.note { color: %(muted)s; font-size: %(small)dpx; }
.img-alt { color: %(muted)s; font-style: italic; }
table.related { background-color: %(panel)s; margin-top: 20px; }
p.related-head { font-size: %(small)dpx; font-weight: 600; color: %(muted)s; margin: 0 0 8px 0; }
p.related-item { line-height: 125%%; margin: 0 0 10px 0; }
p, li { line-height: %(lh)d%%; }
blockquote { color: %(quote)s; margin-left: 12px; }
pre, code { font-family: monospace; font-size: %(small)dpx; background-color: %(code_bg)s; }
a { color: %(link)s; text-decoration: none; }
table { border-color: %(rule)s; }
th, td { border-color: %(rule)s; }
hr { border: none; background-color: %(rule)s; height: 1px; }
"""

# Colours for the light and the dark colour scheme (contrast >= 4.5:1 for text).
LIGHT = {"text": "#1f2328", "muted": "#6b7280", "quote": "#4b5563", "link": "#1c64c8",
         "code_bg": "#f3f4f6", "rule": "#e5e7eb", "panel": "#f5f6f8"}  # fmt: skip
DARK = {"text": "#e6e6e6", "muted": "#9ca3af", "quote": "#c0c6cf", "link": "#74b3ff",
        "code_bg": "#2a2d33", "rule": "#3a3f47", "panel": "#25282d"}  # fmt: skip


def _tr(text: str) -> str:
    return QCoreApplication.translate("Article", text)


def is_mostly_cjk(text: str) -> bool:
    sample = text[:400]
    return len(_CJK.findall(sample)) * 3 > len(sample)


def _trm(text: str) -> str:
    return QCoreApplication.translate("ArticleMedia", text)


def replace_images(body: str, cached: Callable[[str], bool]) -> str:
    """Keep <img> whose source is cached; turn the others into a placeholder
    (their alt text, or "[image]"); tracking pixels just disappear.

    With a srcset, the cached file is its best candidate (the one the sync
    downloads, core.images.display_src), so the tag is rewritten to it.
    """

    def swap(match: re.Match[str]) -> str:
        attrs = {k.lower(): v for k, v in _ATTR.findall(match.group(0))}
        url = display_src(attrs.get("src", ""), attrs.get("srcset", ""))
        if url and cached(url):
            if url == html.unescape(attrs.get("src", "")):
                return match.group(0)
            alt = html.escape(html.unescape(attrs.get("alt", "")), quote=True)
            return f'<img src="{html.escape(url, quote=True)}" alt="{alt}">'
        alt = attrs.get("alt", "").strip()
        if not alt and is_beacon(url, attrs.get("width", ""), attrs.get("height", "")):
            return ""
        return f'<span class="img-alt">[{alt or _tr("image")}]</span>'

    return _IMG.sub(swap, body)


def format_date(value: datetime) -> str:
    return format_datetime(value)  # in the UI language


ARTICLE_SCHEME = "newsreader"  # newsreader:article/ID — an article of the cache


def article_url(article_id: int) -> str:
    return f"{ARTICLE_SCHEME}:article/{article_id}"


def related_box(related: Sequence[Article], *, chinese: bool = False) -> str:
    """The "相关内容" box under the body: title, source and age of each.

    A tinted one-cell table, so the box reads as apart from the article
    (Qt's rich text draws backgrounds and padding on table cells, not on
    paragraphs); each title keeps its source line close under it.
    """
    if not related:
        return ""
    from newsreader.qt.timefmt import relative_age

    now = datetime.now(UTC)
    items = []
    for other in related:
        age = relative_age(other.date, now, chinese=chinese)
        items.append(
            f'<p class="related-item"><a href="{article_url(other.id)}">'
            f"{html.escape(other.title or _tr('(untitled)'))}</a><br/>"
            f'<span class="note">{html.escape(other.feed_title)} · {html.escape(age)}</span></p>'
        )
    heading = html.escape(_tr("Related articles"))
    return (
        '<table class="related" width="100%" cellspacing="0" cellpadding="14"><tr><td>'
        f'<p class="related-head">{heading}</p>{"".join(items)}</td></tr></table>'
    )


def render_article(
    article: Article,
    *,
    base_px: int = 16,
    cached_image: Callable[[str], bool] = lambda url: False,
    dark: bool = False,
    related: Sequence[Article] = (),
    chinese: bool = False,
    full_text: FullTextInfo | None = None,
    show_full_text: bool = True,
) -> str:
    body = article.content_html or article.summary_html
    note = ""
    if full_text is not None:
        if full_text.status == "ok" and full_text.html and show_full_text:
            body = full_text.html
        note = media_note(full_text, show_full_text)
    cjk = is_mostly_cjk(article.title + " " + article.snippet)
    style = STYLE % {
        "px": base_px,
        "h1": round(base_px * 1.5),
        "small": round(base_px * 0.85),
        "lh": 175 if cjk else 150,
        **(DARK if dark else LIGHT),
    }
    meta = [html.escape(article.feed_title)]
    if article.author:
        meta.append(html.escape(article.author))
    meta.append(html.escape(format_date(article.date)))
    link = ""
    if article.link:
        safe = html.escape(article.link, quote=True)
        link = f'<p class="meta"><a href="{safe}">{html.escape(_shorten(article.link))}</a></p>'
    if not body.strip():
        body = f'<p class="note">{html.escape(_tr("This article has no text in the feed."))}</p>'
    title = html.escape(article.title or _tr("(untitled)"))
    return (
        f"<html><head><style>{style}</style></head><body>"
        f"<h1>{title}</h1>"
        f'<p class="meta">{" · ".join(meta)}</p>{link}'
        f'<hr class="sep"/>{note}'
        f"{replace_images(body, cached_image)}"
        f"{related_box(related, chinese=chinese)}"
        "</body></html>"
    )


def media_note(info: FullTextInfo, showing_full: bool) -> str:
    """The line above the body: where the text comes from, or why it failed."""
    site = html.escape(info.site)
    if info.status == "ok" and info.html:
        if showing_full:
            text = _trm("Full text from %1").replace("%1", site)
            link = (
                f'<a href="{SHOW_FEED_VERSION}">{html.escape(_trm("Show the feed’s version"))}</a>'
            )
        else:
            text = html.escape(_trm("The feed’s version"))
            link = (
                f'<a href="{SHOW_FULL_TEXT}">'
                f"{_trm('Show the full text from %1').replace('%1', site)}</a>"
            )
        return f'<p class="note">{text} · {link}</p>'
    if info.error and info.status in ("failed", "pending"):
        reason = html.escape(info.error)
        text = _trm("Full text failed: %1").replace("%1", reason)
        if info.status == "pending":
            text += " " + html.escape(_trm("(will try again later)"))
        return f'<p class="note">{text}</p>'
    return ""


def _shorten(url: str, limit: int = 80) -> str:
    url = re.sub(r"^https?://(www\.)?", "", url)
    return url if len(url) <= limit else url[: limit - 1] + "…"
