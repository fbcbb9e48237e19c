"""decode_feed_bytes: BOMs, overrides, declarations that lie, detection."""

from __future__ import annotations

import codecs

import pytest

from newsreader.core.encoding import decode_feed_bytes, normalize_encoding

CHINESE = "中国国家标准简体中文字符集，全称《信息交换用汉字编码字符集·基本集》，朱镕基总理"
TRADITIONAL = "《11月的蕭邦》是台灣歌手周杰倫發行第六張國語專輯，收錄十二首歌曲。"


def rss(title: str, decl: str = "") -> str:
    prolog = f'<?xml version="1.0" encoding="{decl}"?>\n' if decl else ""
    return f'{prolog}<rss version="2.0"><channel><title>{title}</title></channel></rss>'


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_bom_wins_over_everything(bom: bytes, codec: str) -> None:
    body = bom + rss(CHINESE, decl="iso-8859-1").encode(codec)
    text, used = decode_feed_bytes(body, http_charset="windows-1251")
    assert used == codec
    assert CHINESE in text
    assert not text.startswith("\ufeff")


def test_override_beats_declarations() -> None:
    body = rss("Привет мир", decl="utf-8").encode("koi8-r")
    text, used = decode_feed_bytes(body, http_charset="utf-8", override="KOI8-R")
    assert "Привет мир" in text
    assert used == "koi8-r"


def test_gb2312_override_decodes_as_gb18030() -> None:
    body = rss(CHINESE).encode("gb18030")
    text, used = decode_feed_bytes(body, override="gb2312")
    assert used == "gb18030"
    assert CHINESE in text


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_without_bom_are_sniffed(codec: str) -> None:
    body = rss(CHINESE).encode(codec)
    text, used = decode_feed_bytes(body)
    assert used == codec
    assert CHINESE in text


def test_utf8_declaring_utf16_is_read_as_utf8() -> None:
    body = rss(CHINESE, decl="utf-16").encode("utf-8")
    text, used = decode_feed_bytes(body)
    assert used == "utf-8"
    assert CHINESE in text


@pytest.mark.parametrize("label", ["gb2312", "GB2312", "gbk", "x-gbk", "GB_2312-80", "cp936"])
def test_declared_gb2312_with_gbk_only_characters(label: str) -> None:
    # 镕 is not in GB2312: the classic lie of a "GB2312" feed written in GBK.
    body = rss(CHINESE, decl=label).encode("gbk")
    text, used = decode_feed_bytes(body)
    assert used == "gb18030"
    assert "朱镕基" in text


def test_http_charset_gb2312_is_honoured_too() -> None:
    body = rss(CHINESE).encode("gb18030")
    text, used = decode_feed_bytes(body, http_charset="gb2312")
    assert used == "gb18030"
    assert CHINESE in text


def test_declared_big5_falls_back_to_cp950() -> None:
    # The euro sign exists in cp950 (Microsoft's Big5) but not in plain Big5.
    title = TRADITIONAL + " 售價 €5"
    body = rss(title, decl="big5").encode("cp950")
    with pytest.raises(UnicodeDecodeError):
        body.decode("big5")
    text, used = decode_feed_bytes(body)
    assert used == "big5"
    assert title in text


def test_declared_big5_with_hkscs_characters() -> None:
    title = TRADITIONAL + " 香港增補字符：𨋢"
    body = rss(title, decl="big5").encode("big5hkscs")
    text, _ = decode_feed_bytes(body)
    assert title in text


def test_valid_utf8_wins_over_a_legacy_declaration() -> None:
    body = rss(TRADITIONAL, decl="gbk").encode("utf-8")
    text, used = decode_feed_bytes(body, http_charset="us-ascii")
    assert used == "utf-8"
    assert TRADITIONAL in text


def test_wrong_http_charset_falls_back_to_the_xml_declaration() -> None:
    body = rss(CHINESE, decl="gb2312").encode("gb18030")
    text, used = decode_feed_bytes(body, http_charset="us-ascii")
    assert used == "gb18030"
    assert CHINESE in text


def test_multibyte_declaration_is_tried_before_a_single_byte_one() -> None:
    # Tomcat's default "ISO-8859-1" header on a GBK feed: Latin-1 would
    # "succeed" on any bytes, GB18030 succeeding strictly is real evidence.
    body = rss(CHINESE, decl="gbk").encode("gbk")
    text, used = decode_feed_bytes(body, http_charset="ISO-8859-1")
    assert used == "gb18030"
    assert CHINESE in text


def test_http_charset_before_xml_declaration_among_single_byte_codecs() -> None:
    body = rss("Привет мир", decl="windows-1251").encode("koi8-r")
    text, used = decode_feed_bytes(body, http_charset="koi8-r")
    assert used == "koi8-r"
    assert "Привет мир" in text


def test_latin1_label_means_windows_1252() -> None:
    body = rss("“Quoted” – café", decl="iso-8859-1").encode("cp1252")
    text, used = decode_feed_bytes(body)
    assert used == "cp1252"
    assert "“Quoted” – café" in text


def test_undeclared_gb2312_is_detected() -> None:
    title = "信息交换用汉字编码字符集，基本集，通常简称国标码，是中国国家标准简体中文字符集"
    body = rss(title).encode("gb2312")
    text, used = decode_feed_bytes(body)
    assert used == "gb18030"
    assert "信息交换用汉字编码字符集" in text


def test_undeclared_big5_is_detected() -> None:
    body = rss(TRADITIONAL).encode("big5")
    text, used = decode_feed_bytes(body)
    assert used in ("big5", "cp950", "big5hkscs")
    assert "台灣歌手周杰倫" in text


def test_undeclared_latin_text_prefers_windows_1252() -> None:
    words = "Notícias do Brasil e do mundo: eleição, educação, saúde, política e economia. "
    body = rss(words * 4).encode("iso-8859-1")
    text, used = decode_feed_bytes(body)
    assert used == "cp1252"
    assert "eleição, educação, saúde" in text


def test_long_undeclared_latin1_is_not_read_as_broken_utf8() -> None:
    ascii_heavy = "A mostly ASCII news item about the economy and politics. " * 20
    body = rss(ascii_heavy + "Promotoria abre inquérito; continuidade do Pré Aprendiz.").encode(
        "iso-8859-1"
    )
    text, used = decode_feed_bytes(body)
    assert "\ufffd" not in text
    assert "inquérito" in text
    assert used == "cp1252"


def test_a_few_invalid_bytes_do_not_discard_utf8() -> None:
    good = (CHINESE * 5).encode("utf-8")
    body = rss("").encode().replace(b"<title>", b"<title>" + good + b"\xe4\xb8" + good)
    text, used = decode_feed_bytes(body, http_charset="utf-8")
    assert used == "utf-8"
    assert CHINESE in text
    assert text.count("\ufffd") == 1


def test_bogus_labels_are_ignored() -> None:
    body = rss("Café", decl="bogus-charset").encode("utf-8")
    text, used = decode_feed_bytes(body, http_charset="x-unknown", override="")
    assert used == "utf-8"
    assert "Café" in text


def test_html_meta_charset() -> None:
    page = '<html><head><meta charset="gbk"><title>和讯博客 -- 系统维护中</title></head></html>'
    text, used = decode_feed_bytes(page.encode("gbk"))
    assert used == "gb18030"
    assert "和讯博客" in text


def test_ascii_only_body_reports_the_declared_charset() -> None:
    text, used = decode_feed_bytes(rss("plain", decl="windows-1252").encode())
    assert "plain" in text
    assert used == "cp1252"


def test_never_raises_on_garbage() -> None:
    text, _ = decode_feed_bytes(bytes(range(256)) * 4, http_charset="utf-8")
    assert isinstance(text, str)


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("GB2312", "gb18030"),
        ("gbk", "gb18030"),
        ("Big5", "big5"),
        ("ISO-8859-1", "cp1252"),
        ("latin1", "cp1252"),
        ("'UTF-8'", "utf-8"),
        (" windows-1251 ", "cp1251"),
        ("x-sjis", "shift_jis"),
        ("bogus", ""),
        ("base64", ""),
        ("", ""),
    ],
)
def test_normalize_encoding(label: str, codec: str) -> None:
    assert normalize_encoding(label) == codec
