"""The allow-list sanitizer, URL resolution and the HTML-to-text helpers."""

from __future__ import annotations

import re
import time

import pytest

from newsreader.core.sanitize import (
    html_to_text,
    make_snippet,
    plain_text_to_html,
    sanitize_html,
    strip_tags,
)

BASE = "https://example.com/blog/2024/post.html"

# Anything that can run code, load a document or point at the local disk.
DANGER = re.compile(
    r"<\s*(script|style|iframe|frame|object|embed|form|input|meta|base|link|svg|math)\b"
    r"|\son\w+\s*="
    r"|(javascript|vbscript|file|data):",
    re.I,
)


@pytest.mark.parametrize(
    "html",
    [
        '<p>ok</p><script>alert("x")</script>',
        "<p>ok</p><script src=https://evil.example/x.js></script>",
        "<p>ok</p><style>body{display:none}</style>",
        '<p>ok</p><iframe src="https://evil.example/"></iframe>',
        '<p>ok</p><frameset><frame src="https://evil.example/"></frameset>',
        '<p>ok</p><object data="x.swf"><embed src="x.swf"></object>',
        '<p>ok</p><form action="https://evil.example/"><input name=a><button>Go</button></form>',
        '<meta http-equiv="refresh" content="0;url=https://evil.example/"><p>ok</p>',
        '<base href="https://evil.example/"><link rel=stylesheet href=x.css><p>ok</p>',
        '<p onclick="steal()" onmouseover="steal()">ok</p>',
        '<img src="x.png" onerror="steal()"><p>ok</p>',
        '<a href="javascript:alert(1)">ok</a>',
        '<a href=" JaVaScRiPt:alert(1)">ok</a>',
        '<a href="java&#x09;script:alert(1)">ok</a>',
        '<a href="vbscript:msgbox(1)">ok</a>',
        '<a href="file:///etc/passwd">ok</a>',
        '<a href="data:text/html,<script>alert(1)</script>">ok</a>',
        '<img src="javascript:alert(1)"><p>ok</p>',
        '<img srcset="javascript:alert(1) 1x, data:image/png;base64,AAAA 2x"><p>ok</p>',
        '<video poster="javascript:alert(1)" src="vbscript:x"></video><p>ok</p>',
        '<q cite="javascript:alert(1)">ok</q>',
        '<svg><script>alert(1)</script><a xlink:href="javascript:alert(1)">x</a></svg><p>ok</p>',
        '<math><mi xlink:href="javascript:alert(1)">x</mi></math><p>ok</p>',
        "<p>ok</p><!-- <script>alert(1)</script> -->",
        '<p style="position:absolute;background:url(javascript:alert(1))">ok</p>',
        "<noscript><p>ok</p></noscript><p>ok</p>",
    ],
)
def test_dangerous_markup_never_survives(html: str) -> None:
    cleaned = sanitize_html(html, BASE)
    assert not DANGER.search(cleaned), cleaned
    assert "ok" in cleaned


def test_style_attributes_and_classes_are_dropped() -> None:
    cleaned = sanitize_html('<p style="color:red" class="x" id="y">text</p>')
    assert cleaned == "<p>text</p>"


def test_article_markup_is_kept() -> None:
    html = (
        "<h2>Title</h2><p><em>e</em> <strong>s</strong> <b>b</b> <i>i</i> <u>u</u> "
        "<s>s</s> <sub>1</sub><sup>2</sup> <code>c</code> <mark>m</mark> <small>s</small> "
        '<abbr title="t">a</abbr> <cite>c</cite> <q>q</q> <time datetime="2024-01-01">t</time>'
        "</p><blockquote><p>quote</p></blockquote><pre>pre</pre><ul><li>a</li></ul>"
        '<ol start="3"><li>b</li></ol><dl><dt>t</dt><dd>d</dd></dl><hr>'
        '<figure><img src="https://x.example/a.png" alt="alt" width="10" height="20">'
        "<figcaption>cap</figcaption></figure>"
        '<table><thead><tr><th colspan="2">h</th></tr></thead><tbody><tr><td rowspan="1">d</td>'
        "</tr></tbody></table>"
        '<video src="https://x.example/v.mp4" poster="https://x.example/p.jpg" controls></video>'
        '<audio src="https://x.example/a.mp3" controls></audio><span>s</span><div>d</div>'
    )
    cleaned = sanitize_html(html)
    for fragment in (
        "<h2>",
        "<em>",
        "<strong>",
        "<sub>",
        "<sup>",
        "<code>",
        "<mark>",
        '<abbr title="t">',
        '<time datetime="2024-01-01">',
        "<blockquote>",
        "<pre>",
        '<ol start="3">',
        "<dl>",
        "<hr>",
        "<figure>",
        '<img src="https://x.example/a.png" alt="alt" width="10" height="20">',
        "<figcaption>",
        '<th colspan="2">',
        '<td rowspan="1">',
        '<video src="https://x.example/v.mp4" poster="https://x.example/p.jpg" controls="">',
        '<audio src="https://x.example/a.mp3" controls="">',
    ):
        assert fragment in cleaned, fragment


def test_links_get_rel_noopener() -> None:
    cleaned = sanitize_html('<a href="https://x.example/" rel="author" target="_blank">x</a>')
    assert cleaned == '<a href="https://x.example/" rel="noopener noreferrer">x</a>'


def test_mailto_is_allowed() -> None:
    assert 'href="mailto:me@example.com"' in sanitize_html('<a href="mailto:me@example.com">m</a>')


@pytest.mark.parametrize(
    ("url", "absolute"),
    [
        ("other.html", "https://example.com/blog/2024/other.html"),
        ("/about", "https://example.com/about"),
        ("../up.html", "https://example.com/blog/up.html"),
        ("./same.png", "https://example.com/blog/2024/same.png"),
        ("?page=2", "https://example.com/blog/2024/post.html?page=2"),
        ("#footnote-1", "https://example.com/blog/2024/post.html#footnote-1"),
        ("//cdn.example.net/x.png", "https://cdn.example.net/x.png"),
        ("a.png?x=1&amp;y=2", "https://example.com/blog/2024/a.png?x=1&amp;y=2"),
        ("https://other.example/x", "https://other.example/x"),
    ],
)
def test_relative_urls_are_resolved(url: str, absolute: str) -> None:
    cleaned = sanitize_html(f'<a href="{url}">a</a><img src="{url}">', BASE)
    assert f'href="{absolute}"' in cleaned
    assert f'src="{absolute}"' in cleaned


def test_srcset_and_poster_are_resolved() -> None:
    cleaned = sanitize_html(
        '<img src="a.png" srcset="a-1x.png 1x, /b-2x.png 2x, https://cdn.example/c,w_3.png 3x">'
        '<video poster="p.jpg" src="v.mp4" controls></video>',
        BASE,
    )
    assert (
        'srcset="https://example.com/blog/2024/a-1x.png 1x, https://example.com/b-2x.png 2x, '
        'https://cdn.example/c,w_3.png 3x"'
    ) in cleaned
    assert 'poster="https://example.com/blog/2024/p.jpg"' in cleaned
    assert 'src="https://example.com/blog/2024/v.mp4"' in cleaned


def test_relative_urls_stay_relative_without_a_base() -> None:
    assert (
        sanitize_html('<a href="x.html">x</a>')
        == '<a href="x.html" rel="noopener noreferrer">x</a>'
    )
    assert 'href="x.html"' in sanitize_html('<a href="x.html">x</a>', "not a url")


def test_lazy_loaded_images_get_their_real_source() -> None:
    cleaned = sanitize_html(
        '<img src="data:image/gif;base64,R0lGOD" data-src="/real.jpg" alt="r">', BASE
    )
    assert cleaned == '<img src="https://example.com/real.jpg" alt="r">'


def test_empty_input() -> None:
    assert sanitize_html("") == ""
    assert sanitize_html("  \n ") == ""


def test_full_html_document_keeps_only_the_body() -> None:
    html = (
        "<html><head><title>T</title><style>p{}</style></head><body><p>Body text</p></body></html>"
    )
    assert sanitize_html(html) == "<p>Body text</p>"


def test_html_to_text() -> None:
    html = (
        "<h1>Title</h1><p>Some&nbsp;<b>bold</b> &amp; <i>italic</i>\n\n text.</p>"
        "<script>var x = 1 < 2;</script><style>p{}</style><!-- hidden -->"
        '<p>A <a href="x" title="a > b">link</a></p><ul><li>one</li><li>two</li></ul>'
    )
    assert html_to_text(html) == "Title Some bold & italic text. A link one two"


def test_html_to_text_keeps_stray_angle_brackets() -> None:
    assert html_to_text("x < y and y > z, I <3 it") == "x < y and y > z, I <3 it"
    assert html_to_text("") == ""


def test_strip_tags_leaves_entities_alone() -> None:
    assert strip_tags("a <b>bold</b> &amp; &lt;tag&gt;") == "a bold &amp; &lt;tag&gt;"


def test_make_snippet_short_text_is_unchanged() -> None:
    assert make_snippet("<p>Hello   <b>world</b></p>\n<p>again</p>") == "Hello world again"
    assert make_snippet("") == ""


def test_make_snippet_cuts_at_a_word_boundary() -> None:
    text = " ".join(f"word{n}" for n in range(200))
    snippet = make_snippet(f"<p>{text}</p>", 50)
    assert len(snippet) <= 50
    assert snippet.endswith("…")
    assert text.startswith(snippet[:-1])
    assert snippet[-2] != " "
    assert snippet[:-1].split()[-1] in text.split()


def test_make_snippet_cuts_chinese_text() -> None:
    text = "这是一段很长的中文新闻正文，没有空格。" * 30
    snippet = make_snippet(f"<p>{text}</p>")
    assert len(snippet) == 200
    assert snippet == text[:199] + "…"


def test_make_snippet_skips_markup_heavy_prefixes() -> None:
    image = '<img src="https://cdn.example/' + "x" * 300 + '.png">'
    html = image * 40 + "<p>" + "Actual text. " * 40 + "</p>"
    snippet = make_snippet(html)
    assert snippet.startswith("Actual text. Actual text.")
    assert len(snippet) <= 200


def test_make_snippet_never_shows_half_a_tag_or_entity() -> None:
    html = "<p>" + "a" * 195 + ' <a href="https://example.com/long">link</a> &amp; more</p>'
    snippet = make_snippet(html + "<p>" + "b " * 2000 + "</p>", 300)
    assert "<" not in snippet
    assert "&amp" not in snippet


def test_make_snippet_is_fast_on_huge_documents() -> None:
    html = "<p>" + "lorem ipsum dolor sit amet " * 100_000 + "</p>"
    started = time.perf_counter()
    for _ in range(100):
        make_snippet(html)
    assert time.perf_counter() - started < 1.0  # cost must not grow with the body


def test_plain_text_to_html() -> None:
    text = "Line <one> & more\r\nline two\n\n\n  Second <paragraph>  \n"
    assert plain_text_to_html(text) == (
        "<p>Line &lt;one&gt; &amp; more<br>line two</p><p>Second &lt;paragraph&gt;</p>"
    )
    assert plain_text_to_html("   ") == ""
