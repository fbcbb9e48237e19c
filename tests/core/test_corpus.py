"""parse_feed over the shared real-world corpus (../shared/corpus, see its MANIFEST.tsv).

Every file is parsed once per session; the tests below check what each folder
is there to exercise.  `pytest -s` prints a one-line summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsreader.core.encoding import decode_feed_bytes
from newsreader.core.errors import ParseError
from newsreader.core.parse import parse_feed
from newsreader.core.sync_types import ParsedFeed

CORPUS = Path(__file__).parents[2].parent / "shared" / "corpus"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason="no ../shared/corpus"),
]

# Files that are genuinely not feeds, and must be rejected with ParseError.
NOT_FEEDS = frozenset(
    {
        "edge/nb_empty_0bytes.xml",  # zero bytes
        "edge/fp_rss_empty_document.xml",  # a comment and nothing else
        "edge/gof_unknown_root.xml",  # well-formed XML, but <note>
        "edge/nfp_notafeed.html",
        "edge/reader_sqlite_releases.html",
        "edge/sp_hfeed_simple.html",  # microformats h-feed: an HTML page
        "edge/zh_domain_redirect_page.html",
        "edge/zh_html_fragment_not_feed.html",
        "edge/zh_js_redirect_challenge.html",
        "encoding/zh_hexun_gbk_html_error.html",
        "jsonfeed/failed_syntax.json",  # invalid JSON
        "jsonfeed/invalid_syntax.json",  # invalid JSON
        "jsonfeed/not_a_feed_manifest.json",  # a web-app manifest
    }
)
SKIPPED = ("opml/",)
META_FILES = frozenset({"MANIFEST.tsv", "README.md", "feedparser_results.tsv"})
FEED_URL = "https://feeds.example.com/feed.xml"

# Anything that could run code or navigate away, in any parsed field.
DANGER = re.compile(
    r"<\s*(script|iframe|frame|object|embed|style|meta|link|base|form)\b"
    r"|<[^>]*\son[a-z]+\s*="
    r"|=\s*[\"']?\s*(javascript|vbscript|file):",
    re.I,
)


@dataclass(frozen=True)
class Outcome:
    feed: ParsedFeed | None = None
    error: ParseError | None = None
    crash: str = ""


def corpus_files() -> list[str]:
    if not CORPUS.is_dir():
        return []
    return sorted(
        path.relative_to(CORPUS).as_posix()
        for path in CORPUS.rglob("*")
        if path.is_file()
        and path.name not in META_FILES
        and not path.relative_to(CORPUS).as_posix().startswith(SKIPPED)
    )


@pytest.fixture(scope="module")
def outcomes() -> dict[str, Outcome]:
    results: dict[str, Outcome] = {}
    for name in corpus_files():
        try:
            results[name] = Outcome(feed=parse_feed((CORPUS / name).read_bytes(), FEED_URL))
        except ParseError as exc:
            results[name] = Outcome(error=exc)
        except Exception as exc:  # noqa: BLE001 - reported by the test, file by file
            results[name] = Outcome(crash=f"{type(exc).__name__}: {exc}")
    return results


def parsed(outcomes: dict[str, Outcome], name: str) -> ParsedFeed:
    outcome = outcomes[name]
    assert outcome.feed is not None, f"{name}: {outcome.error or outcome.crash}"
    return outcome.feed


def test_every_file_parses_or_is_rejected_as_not_a_feed(outcomes: dict[str, Outcome]) -> None:
    failures = []
    for name, outcome in outcomes.items():
        if outcome.crash:
            failures.append(f"{name}: crashed: {outcome.crash}")
        elif outcome.error is not None and name not in NOT_FEEDS:
            failures.append(f"{name}: unexpected ParseError: {outcome.error}")
        elif outcome.feed is not None and name in NOT_FEEDS:
            failures.append(f"{name}: parsed, but it is not a feed")
    entries = sum(len(o.feed.entries) for o in outcomes.values() if o.feed is not None)
    warned = sum(1 for o in outcomes.values() if o.feed is not None and o.feed.warning)
    print(
        f"\ncorpus: {len(outcomes)} files, {entries} entries, "
        f"{len(NOT_FEEDS)} rejected as not feeds, {warned} salvaged with a warning, "
        f"{len(failures)} failures"
    )
    assert not failures, "\n".join(failures)
    assert len(outcomes) > 200


def test_not_feeds_get_readable_messages(outcomes: dict[str, Outcome]) -> None:
    for name in NOT_FEEDS:
        error = outcomes[name].error
        assert error is not None, name
        message = str(error)
        if name.endswith(".html"):
            assert message == "This is an HTML web page, not a feed", name
        elif name == "edge/nb_empty_0bytes.xml":
            assert message == "The document is empty"
        else:
            assert message.startswith("Not a feed: "), (name, message)


def test_every_real_feed_yields_entries(outcomes: dict[str, Outcome]) -> None:
    real = [name for name in outcomes if name.startswith("real/")]
    assert len(real) >= 50
    empty = [name for name in real if not parsed(outcomes, name).entries]
    assert not empty


def test_real_feeds_have_titles_links_and_dates(outcomes: dict[str, Outcome]) -> None:
    for name in (n for n in outcomes if n.startswith("real/")):
        feed = parsed(outcomes, name)
        assert feed.title, name
        for entry in feed.entries:
            assert entry.key and entry.title and entry.content_hash, (name, entry.key)
            for date in (entry.published, entry.updated):
                assert date is None or date.utcoffset() is not None, name


def all_html(feed: ParsedFeed) -> list[str]:
    fields = [feed.title]
    for entry in feed.entries:
        fields += [entry.title, entry.content_html, entry.summary_html, entry.snippet, entry.author]
    return fields


def test_sanitize_corpus_leaves_nothing_dangerous(outcomes: dict[str, Outcome]) -> None:
    checked = 0
    for name in (n for n in outcomes if n.startswith(("sanitize/", "real/", "jsonfeed/"))):
        feed = outcomes[name].feed
        if feed is None:
            continue
        for field in all_html(feed):
            assert DANGER.search(field) is None, f"{name}: {field[:300]!r}"
            checked += 1
    assert checked > 1000


def test_sanitize_positive_controls_are_kept(outcomes: dict[str, Outcome]) -> None:
    img = parsed(outcomes, "sanitize/acceptable_element_img.xml").entries[0]
    assert "<img" in img.content_html + img.summary_html
    video = parsed(outcomes, "sanitize/acceptable_element_video.xml").entries[0]
    assert "<video" in video.content_html + video.summary_html
    onerror = parsed(outcomes, "sanitize/item_description_onerror.xml").entries[0]
    assert onerror.summary_html == '<img src="http://www.ragingplatypus.com/i/cam-full.jpg">'


def test_media_embed_script_never_appears(outcomes: dict[str, Outcome]) -> None:
    for name in ("real/en_huffpost_canada.xml", "edge/fsm_rss_all_namespaces.xml"):
        for field in all_html(parsed(outcomes, name)):
            assert "<script" not in field and "<iframe" not in field, name


def entry_titles(feed: ParsedFeed) -> str:
    return " | ".join([feed.title, *(entry.title for entry in feed.entries)])


# Known strings, found by reading each file with its real codec.
SPOT_CHECKS = [
    ("real/zh_kc0011_forum_gb2312.rss", "gb18030", "投资资讯网交易在线"),
    ("real/zh_kc0011_forum_gb2312.rss", "gb18030", "建国35周年纪念，华表，和平鸽"),
    ("real/zh_caogen_bom.xml", "utf-8", "草根网"),
    ("real/zhtw_steachs_wordpress.xml", "utf-8", "就是教不落"),
    ("encoding/fp_chardet_gb2312.xml", "gb18030", "不归移民漫画系列：专业工作"),
    ("encoding/zh_gb2312_undeclared.xml", "gb18030", "信息交换用汉字编码字符集"),
    (
        "encoding/zhtw_big5_undeclared_atom.xml",
        "big5",
        "《11月的蕭邦》是台灣歌手周杰倫發行第六張國語專輯",
    ),
    ("encoding/fp_chardet_big5.xml", "big5", "我希望"),
    ("encoding/zh_gbk_jsonfeed.json", "gb18030", "中国国家标准简体中文字符集"),
    ("encoding/zh_tmioe_invalid_utf8.xml", "utf-8", "ZAPRO · 杂铺"),
    ("encoding/utf8_declared_utf16.xml", "utf-8", "転勤・引越し"),
    ("encoding/fp_euc-kr.xml", "euc_kr", "년"),
    ("encoding/fp_chardet_euckr.xml", "euc_kr", "한글닉네임 표시하기"),
    ("encoding/fp_chardet_eucjp.xml", "euc_jp", "ゲーム三昧な正月"),
    ("encoding/fp_chardet_shiftjis.xml", "shift_jis", "DrecomRSSに記事投稿が反映されない"),
    ("encoding/fp_chardet_koi8r.xml", "koi8-r", "Как пережить новогоднюю ночь"),
    ("encoding/ru_windows1251_real.xml", "cp1251", "Новости Оренбурга"),
    ("edge/nfp_gzip_body_as_xml.xml", "cp1251", "Новости Оренбурга"),
    ("encoding/pt_jn_iso8859-1.rss", "cp1252", "Jornal de Notícias - Últimas Notícias"),
    ("encoding/pt_latin1_undeclared.rss", "cp1252", "Promotoria abre inquérito"),
    ("encoding/cp1252_incorrect_prolog.xml", "utf-8", "Euro €"),
    ("encoding/utf8_incorrect_prolog.xml", "utf-8", "Café"),
    ("encoding/invalid_prolog.xml", "utf-8", "테스트 피드"),
    ("encoding/utf16be.xml", "utf-16-be", "Test feed title 1"),
    ("encoding/utf16le.xml", "utf-16-le", "Test feed title 1"),
    ("encoding/fp_utf-16le-bom.xml", "utf-16-le", ""),
    ("encoding/fp_utf-32be-autodetect.xml", "utf-32-be", ""),
]


@pytest.mark.parametrize(("name", "encoding", "text"), SPOT_CHECKS)
def test_encodings_decode_to_the_right_text(
    outcomes: dict[str, Outcome], name: str, encoding: str, text: str
) -> None:
    feed = parsed(outcomes, name)
    assert feed.encoding == encoding
    titles = entry_titles(feed)
    assert text in titles
    assert "\ufffd" not in titles


def test_lying_charset_header() -> None:
    # Declares gbk, the harness header says us-ascii, the bytes are UTF-8.
    body = (CORPUS / "encoding/zhtw_gbk_decl_vs_ascii_header.xml").read_bytes()
    text, used = decode_feed_bytes(body, http_charset="us-ascii")
    assert used == "utf-8"
    assert "《11月的蕭邦》是台灣歌手周杰倫" in text
    feed = parse_feed(body, FEED_URL, {"content-type": 'application/rss+xml;charset= "us-ascii"'})
    assert feed.kind == "rss20"


def test_utf16_without_bom_or_declaration(outcomes: dict[str, Outcome]) -> None:
    for name in ("encoding/utf16be.xml", "encoding/utf16le.xml"):
        feed = parsed(outcomes, name)
        assert feed.title == "Test feed"
        assert len(feed.entries) == 1


@pytest.mark.parametrize("name", ["edge/reader_relative.atom", "edge/reader_relative.rss"])
def test_text_plain_content_is_escaped(name: str) -> None:
    body = (CORPUS / name).read_bytes()
    # With both a text/plain and a text/html <content>, the HTML one wins...
    entry = parse_feed(body, "https://example.org/feed")
    assert "<script" not in entry.entries[0].content_html
    # ...so drop it to see what becomes of the text/plain one.
    plain_only = re.sub(rb'\s*<content type="text/html">.*?</content>', b"", body, flags=re.S)
    content = parse_feed(plain_only, "https://example.org/feed").entries[0].content_html
    assert content == "<p>&lt;script&gt;evil&lt;/script&gt; content</p>"


def test_relative_urls_use_the_feed_url(outcomes: dict[str, Outcome]) -> None:
    atom = parse_feed(
        (CORPUS / "edge/reader_relative.atom").read_bytes(), "https://example.org/feed"
    )
    entry = atom.entries[0]
    assert atom.link == "https://example.org/file.html"
    assert entry.link == "https://example.org/entries/entry.html"
    assert 'href="https://example.org/target"' in entry.summary_html
    assert entry.enclosures[0].url == "https://example.org/enclosure?q=a#fragment"
    diygod = parsed(outcomes, "real/zh_diygod_atom.xml")
    for entry in diygod.entries:
        assert not re.search(r'(?:src|href)="(?!https?:|mailto:)', entry.content_html)


def test_salvaged_feeds_say_so(outcomes: dict[str, Outcome]) -> None:
    for name in (
        "real/zh_oschina_news.xml",  # bare '&'
        "real/zh_mlook_books.xml",  # &nbsp; in XML
        "real/zh_dozer_relative.xml",  # U+0008
        "real/zh_mlog_club_atom.xml",  # junk after the root
        "edge/nfp_saxerror_ampersand.xml",
    ):
        feed = parsed(outcomes, name)
        assert feed.entries, name
        assert feed.warning.startswith("The feed is not well-formed XML"), name


def test_feeds_feedparser_alone_loses(outcomes: dict[str, Outcome]) -> None:
    # feedparser_results.tsv: 0 entries, or FAILED, from feedparser alone.
    assert len(parsed(outcomes, "edge/gof_bare_ampersand.xml").title) > 0
    assert len(parsed(outcomes, "edge/nfp_saxerror_ampersand.xml").entries) == 3
    assert len(parsed(outcomes, "encoding/utf8_declared_utf16.xml").entries) > 800
    assert len(parsed(outcomes, "encoding/zhtw_big5_undeclared_atom.xml").title) > 0
    assert parsed(outcomes, "jsonfeed/daringfireball.json").entries
    assert parsed(outcomes, "jsonfeed/scriptingnews.json").entries
