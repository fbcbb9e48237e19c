"""OPML import/export: tolerance of other readers' files and lossless roundtrip."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from lxml import etree

from newsreader.core.errors import NewsreaderError
from newsreader.core.opml import OpmlError, OpmlFeed, parse_opml, write_opml

REPO = Path(__file__).resolve().parents[2]
CORPUS_OPML = REPO.parent / "shared" / "corpus" / "opml"
SUGGESTED = REPO / "resources" / "suggested-feeds.opml"

# What each corpus file is (see MANIFEST.tsv): number of feeds it must give,
# or None when it must be rejected with OpmlError.
CORPUS_EXPECTED: dict[str, int | None] = {
    "body_missing.opml": None,  # <head> only: nothing to import
    "en_news_sources.opml": 11,
    "hk_news_sources.opml": 5,  # bare '&' in an attribute
    "netnewswire_subs.opml": 207,
    "newsboat_category.opml": 1,
    "newsboat_example.opml": 7,
    "no_title_attributes.opml": 207,
    "opml_root_missing.opml": 2,  # <not-opml> root, outlines still there
    "ru_windows1251.opml": 2,
    "zh_chinese_independent_blogs.opml": 1326,
}


def _corpus_files(*, importable_only: bool = False) -> list[object]:
    if not CORPUS_OPML.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason="no corpus"))]
    return [
        pytest.param(path, id=path.name)
        for path in sorted(CORPUS_OPML.iterdir())
        if not (importable_only and CORPUS_EXPECTED.get(path.name, 0) is None)
    ]


def _corpus(name: str) -> bytes:
    path = CORPUS_OPML / name
    if not path.is_file():
        pytest.skip(f"corpus file {name} is absent")
    return path.read_bytes()


# ---------------------------------------------------------------------------
# Corpus
# ---------------------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.parametrize("path", _corpus_files())
def test_corpus_file_imports_or_gives_clear_error(path: Path) -> None:
    data = path.read_bytes()
    expected = CORPUS_EXPECTED.get(path.name, -1)
    if expected is None:
        with pytest.raises(OpmlError, match="OPML"):
            parse_opml(data)
        return
    if expected == -1:  # a file added to the corpus since: either outcome
        try:
            parse_opml(data)
        except OpmlError:
            return
    feeds, _folders = parse_opml(data)
    assert len(feeds) >= 1
    if expected != -1:
        assert len(feeds) == expected
    assert all(feed.url for feed in feeds)
    assert len({feed.url for feed in feeds}) == len(feeds)


@pytest.mark.corpus
@pytest.mark.parametrize("path", _corpus_files(importable_only=True))
def test_corpus_roundtrip_is_lossless(path: Path) -> None:
    feeds, folders = parse_opml(path.read_bytes())
    again = parse_opml(write_opml(feeds, folders))
    assert again == (feeds, folders)


@pytest.mark.corpus
def test_corpus_nested_folders() -> None:
    feeds, folders = parse_opml(_corpus("newsboat_example.opml"))
    assert folders == [("Blogs",), ("Blogs", "friends"), ("eloquent",)]
    by_title = {feed.title: feed for feed in feeds}
    assert by_title["Notes by Mike"].folder == ("Blogs", "friends")
    assert by_title["John's musings"].folder == ("Blogs",)
    assert by_title["example.com website"].folder == ()


@pytest.mark.corpus
def test_corpus_netnewswire_folders_and_html_urls() -> None:
    feeds, folders = parse_opml(_corpus("netnewswire_subs.opml"))
    assert folders == [("Programming",), ("Macintosh",), ("Weblogs",), ("Writers",)]
    first = feeds[0]
    assert first == OpmlFeed(
        url="http://daringfireball.net/feeds/main",
        title="Daring Fireball",
        html_url="http://daringfireball.net/",
    )
    assert any(feed.title == "chat & code" for feed in feeds)


@pytest.mark.corpus
def test_corpus_text_only_outlines_match_titled_ones() -> None:
    titled = parse_opml(_corpus("netnewswire_subs.opml"))
    text_only = parse_opml(_corpus("no_title_attributes.opml"))
    assert text_only == titled


@pytest.mark.corpus
def test_corpus_windows_1251_titles() -> None:
    feeds, folders = parse_opml(_corpus("ru_windows1251.opml"))
    assert folders == [("папка",)]
    assert [(feed.title, feed.folder) for feed in feeds] == [
        ("пример2", ("папка",)),
        ("пример1", ()),
    ]
    assert feeds[0].html_url == "https://foo.com/"


@pytest.mark.corpus
def test_corpus_bare_ampersand_and_chinese_titles() -> None:
    feeds, _ = parse_opml(_corpus("hk_news_sources.opml"))
    titles = [feed.title for feed in feeds]
    assert "頭條日報 Headline Daily - 頭條網" in titles
    assert feeds[-1].url == "http://feeds.hongkongnews.net/rss/b82693edf38ebff8"

    feeds, folders = parse_opml(_corpus("zh_chinese_independent_blogs.opml"))
    assert folders == []
    assert feeds[1].title == "阮一峰的网络日志"


@pytest.mark.corpus
def test_corpus_newsboat_category_and_missing_root() -> None:
    feeds, folders = parse_opml(_corpus("newsboat_category.opml"))
    assert feeds[0].folder == ("tag one",)
    assert feeds[0].title == ""
    assert folders == [("tag one",)]

    feeds, folders = parse_opml(_corpus("opml_root_missing.opml"))
    assert [(feed.title, feed.folder) for feed in feeds] == [
        ("example.com website (Atom feed)", ("misc",)),
        ("Firehose", ()),
    ]


# ---------------------------------------------------------------------------
# Import tolerance (no corpus needed)
# ---------------------------------------------------------------------------


def test_nested_and_empty_folders() -> None:
    data = b"""<?xml version="1.0"?>
<opml version="2.0"><head><title>x</title></head><body>
  <outline text="News">
    <outline text="World">
      <outline type="rss" text="A" xmlUrl="https://a.example/feed"/>
    </outline>
    <outline text="Empty" type="category"/>
  </outline>
  <outline text="Bare"/>
  <outline type="link" text="Just a link" url="https://example.com/"/>
  <outline type="rss" text="B" xmlUrl="https://b.example/feed"/>
</body></opml>"""
    feeds, folders = parse_opml(data)
    assert feeds == [
        OpmlFeed("https://a.example/feed", "A", "", ("News", "World")),
        OpmlFeed("https://b.example/feed", "B"),
    ]
    assert folders == [("News",), ("News", "World"), ("News", "Empty"), ("Bare",)]


def test_attribute_case_title_vs_text_and_types() -> None:
    data = b"""<opml><body>
  <outline XMLURL="https://a.example/1" TEXT="upper"/>
  <outline xmlurl="https://a.example/2" text="text only" type="atom"/>
  <outline xmlUrl="https://a.example/3" text="text" title="title wins"/>
  <outline xmlUrl="https://a.example/4" htmlurl="https://a.example/"/>
</body></opml>"""
    feeds, folders = parse_opml(data)
    assert [feed.title for feed in feeds] == ["upper", "text only", "title wins", ""]
    assert feeds[3].html_url == "https://a.example/"
    assert folders == []


def test_missing_head_body_and_root() -> None:
    no_head = b'<opml><body><outline xmlUrl="https://a/f" text="A"/></body></opml>'
    no_body = b'<opml><head/><outline xmlUrl="https://a/f" text="A"/></opml>'
    no_root = b'<outline text="F"><outline xmlUrl="https://a/f" text="A"/></outline>'
    assert parse_opml(no_head)[0] == [OpmlFeed("https://a/f", "A")]
    assert parse_opml(no_body)[0] == [OpmlFeed("https://a/f", "A")]
    assert parse_opml(no_root) == ([OpmlFeed("https://a/f", "A", "", ("F",))], [("F",)])


def test_newsboat_category_paths() -> None:
    data = b"""<opml><body>
  <outline xmlUrl="https://a/1" title="one" category="/Tech/Linux"/>
  <outline xmlUrl="https://a/2" title="two" category="news,misc"/>
  <outline text="Folder"><outline xmlUrl="https://a/3" category="/Other"/></outline>
</body></opml>"""
    feeds, folders = parse_opml(data)
    assert [feed.folder for feed in feeds] == [
        ("Tech", "Linux"),
        ("news",),
        ("Folder",),
    ]
    assert folders == [("Tech",), ("Tech", "Linux"), ("news",), ("Folder",)]


def test_duplicate_urls_keep_first() -> None:
    data = b"""<opml><body>
  <outline xmlUrl="https://a/f" text="first"/>
  <outline text="F"><outline xmlUrl="https://a/f" text="second"/></outline>
</body></opml>"""
    feeds, folders = parse_opml(data)
    assert feeds == [OpmlFeed("https://a/f", "first")]
    assert folders == [("F",)]


def test_ill_formed_xml_is_recovered() -> None:
    data = b"""<?xml version="1.0"?><opml><body>
  <outline text="Q & A" xmlUrl="https://a/f?x=1&y=2"/>
  <outline text="B" xmlUrl="https://b/f">
</body>"""
    feeds, _ = parse_opml(data)
    assert [feed.url for feed in feeds] == ["https://a/f?x=1&y=2", "https://b/f"]


@pytest.mark.parametrize(
    ("encoding", "title"),
    [
        ("windows-1251", "Новости"),
        ("koi8-r", "Новости"),
        ("iso-8859-1", "Café"),
        ("big5", "新聞"),
        ("shift_jis", "ニュース"),
    ],
)
def test_declared_encodings(encoding: str, title: str) -> None:
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        f'<opml><body><outline text="{title}">'
        f'<outline xmlUrl="https://a/f" text="{title}"/></outline></body></opml>'
    )
    feeds, folders = parse_opml(text.encode(encoding))
    assert feeds[0].title == title
    assert folders == [(title,)]


def test_gb2312_declaration_with_gbk_characters() -> None:
    # 镕 is in GBK but not in GB2312: decode as the superset.
    text = (
        '<?xml version="1.0" encoding="gb2312"?><opml><body>'
        '<outline xmlUrl="https://a/f" text="朱镕基 新闻"/></body></opml>'
    )
    assert parse_opml(text.encode("gbk"))[0][0].title == "朱镕基 新闻"


def test_bom_and_utf16() -> None:
    text = (
        '<?xml version="1.0" encoding="UTF-16"?><opml><body>'
        '<outline xmlUrl="https://a/f" text="中文"/></body></opml>'
    )
    assert parse_opml(text.encode("utf-16"))[0][0].title == "中文"
    assert parse_opml(text.encode("utf-16-le"))[0][0].title == "中文"
    utf8 = b"\xef\xbb\xbf" + text.replace("UTF-16", "UTF-8").encode("utf-8")
    assert parse_opml(utf8)[0][0].title == "中文"


def test_undeclared_legacy_encoding_is_detected() -> None:
    text = "<opml><body>" + "".join(
        f'<outline xmlUrl="https://a/{i}" text="中文新闻标题第{i}条"/>' for i in range(20)
    )
    feeds, _ = parse_opml((text + "</body></opml>").encode("gb18030"))
    assert feeds[0].title == "中文新闻标题第0条"


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"just some text", "not XML"),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', "not XML"),
        (gzip.compress(b"<opml/>"), "gzip"),
        (
            b"<?xml version='1.0'?><rss><channel><title>x</title></channel></rss>",
            "feed",
        ),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>', "feed"),
        (b"<!DOCTYPE html><html><head><title>x</title></head></html>", "web page"),
        (b"<opml><head><title>x</title></head></opml>", "no <body>"),
        (b"<config><item>1</item></config>", "<config>"),
    ],
)
def test_not_opml_gives_clear_error(data: bytes, fragment: str) -> None:
    with pytest.raises(OpmlError, match="OPML") as info:
        parse_opml(data)
    assert fragment in str(info.value)
    assert isinstance(info.value, NewsreaderError)


def test_empty_body_is_a_valid_empty_list() -> None:
    assert parse_opml(b"<opml><head/><body/></opml>") == ([], [])
    assert parse_opml(write_opml([])) == ([], [])


def test_entities_are_not_expanded() -> None:
    data = b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY ext SYSTEM "file:///etc/passwd">]>
<opml><body><outline xmlUrl="https://a/f" text="x&b;&ext;"/></body></opml>"""
    feeds, _ = parse_opml(data)
    assert feeds == [OpmlFeed("https://a/f", "x&b;&ext;")]


def test_html_entities_and_bare_ampersands() -> None:
    data = (
        b'<opml><body><outline text="Caf&eacute;&nbsp;&amp; Bar &#20013;&#x6587; '
        b'&unknown; R&D" xmlUrl="https://g.example/rss?q=a&hl=en&amp;gl=US"/>'
        b"</body></opml>"
    )
    feeds, _ = parse_opml(data)
    assert feeds[0].title == "Caf\u00e9\u00a0& Bar \u4e2d\u6587 &unknown; R&D"
    assert feeds[0].url == "https://g.example/rss?q=a&hl=en&gl=US"


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------

SAMPLE_FEEDS = [
    OpmlFeed("https://top.example/feed", 'Top <level> & "quoted"', "https://top.example/"),
    OpmlFeed("https://bbc.example/zh", "BBC 中文网", "https://bbc.example/", ("新闻", "国际")),
    OpmlFeed("https://a.example/feed?x=1&y=2", "", "", ("新闻",)),
    OpmlFeed("https://tech.example/rss", "Tech", "", ("Tech",)),
    OpmlFeed("https://late.example/rss", "Late top"),
]
SAMPLE_FOLDERS = [
    ("空文件夹",),
    ("新闻",),
    ("新闻", "国际"),
    ("新闻", "空的"),
    ("Tech",),
    ("Tech", "Deep", "Deeper"),
]


def test_write_opml_is_opml_2() -> None:
    data = write_opml(SAMPLE_FEEDS, SAMPLE_FOLDERS, title="我的订阅 & more")
    assert data.startswith(b"<?xml")
    assert b"UTF-8" in data.split(b"\n", 1)[0]
    assert "BBC 中文网".encode() in data  # raw UTF-8, not character references
    root = etree.fromstring(data)
    assert root.tag == "opml"
    assert root.get("version") == "2.0"
    assert root.findtext("head/title") == "我的订阅 & more"
    assert (root.findtext("head/dateCreated") or "").endswith("GMT")
    body = root.find("body")
    assert body is not None
    top = body.find("outline[@xmlUrl='https://top.example/feed']")
    assert top is not None
    assert top.get("type") == "rss"
    assert top.get("text") == top.get("title") == 'Top <level> & "quoted"'
    assert top.get("htmlUrl") == "https://top.example/"
    news = body.find("outline[@text='新闻']")
    assert news is not None
    assert news.get("title") == "新闻"
    assert news.get("xmlUrl") is None
    assert news.find("outline[@text='国际']/outline[@xmlUrl]") is not None


def test_roundtrip_lossless_with_chinese_and_empty_folders() -> None:
    feeds, folders = parse_opml(write_opml(SAMPLE_FEEDS, SAMPLE_FOLDERS))
    assert feeds == SAMPLE_FEEDS
    assert folders == [
        ("空文件夹",),
        ("新闻",),
        ("新闻", "国际"),
        ("新闻", "空的"),
        ("Tech",),
        ("Tech", "Deep"),
        ("Tech", "Deep", "Deeper"),
    ]
    # and a second trip changes nothing
    assert parse_opml(write_opml(feeds, folders)) == (feeds, folders)


def test_roundtrip_keeps_document_order() -> None:
    data = b"""<opml><body>
  <outline text="Empty first"/>
  <outline xmlUrl="https://a/1" text="top 1"/>
  <outline text="X"><outline xmlUrl="https://a/2" text="in X"/>
    <outline text="Y"/></outline>
  <outline xmlUrl="https://a/3" text="top 2"/>
  <outline text="Z"><outline xmlUrl="https://a/4" text="in Z"/></outline>
</body></opml>"""
    parsed = parse_opml(data)
    assert parse_opml(write_opml(*parsed)) == parsed


def test_write_tolerates_odd_input() -> None:
    feeds = [
        OpmlFeed("https://a/f", "bell\x07 and tab\tand\nnewline", "", ("F",)),
        OpmlFeed("https://b/f", "orphan folder", "", ("Not", "listed")),
    ]
    parsed, folders = parse_opml(write_opml(feeds, [("F",), ("F",), ()]))
    assert parsed[0].title.startswith("bell and tab")
    assert parsed[1].folder == ("Not", "listed")
    assert folders == [("F",), ("Not",), ("Not", "listed")]


# ---------------------------------------------------------------------------
# Bundled suggestions
# ---------------------------------------------------------------------------


def test_suggested_feeds_file() -> None:
    feeds, folders = parse_opml(SUGGESTED.read_bytes())
    assert folders == [("English",), ("中文",)]
    english = [feed for feed in feeds if feed.folder == ("English",)]
    chinese = [feed for feed in feeds if feed.folder == ("中文",)]
    assert len(english) >= 5
    assert len(chinese) >= 5
    assert len(english) + len(chinese) == len(feeds)
    assert all(feed.url.startswith("https://") for feed in feeds)
    assert all(feed.title and feed.html_url for feed in feeds)
    assert any("BBC" in feed.title for feed in english)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in feed.title) for feed in chinese)
    root = etree.fromstring(SUGGESTED.read_bytes())  # strictly well-formed
    assert root.get("version") == "2.0"
