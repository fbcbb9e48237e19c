from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from newsreader.core.textindex import build_query, index_text, normalize

DOCS = {
    1: "我们的网络安全很重要。茶叶出口增长",
    2: "网上有很多络腮胡子的照片",  # 网 and 络, never side by side
    3: "Network security: the NETWORKS are down",
    4: "Climate change talks open in Belém",
    5: "华为Mate 60发布，5G网络覆盖全国",
    6: "今天喝茶",
    7: "ＡＢＣ公司发布新款ｉＰｈｏｎｅ",
}


@pytest.fixture
def fts() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE VIRTUAL TABLE t USING fts5(body, content='', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    conn.executemany(
        "INSERT INTO t(rowid, body) VALUES (?, ?)",
        [(rowid, index_text(text)) for rowid, text in DOCS.items()],
    )
    yield conn
    conn.close()


def search(conn: sqlite3.Connection, query: str) -> list[int]:
    expression = build_query(query)
    if not expression:
        return []
    return sorted(r[0] for r in conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,)))


def test_cjk_characters_become_tokens() -> None:
    assert index_text("网络安全，茶") == " 网 络 安 全 ， 茶 "
    assert index_text("5G网络") == "5G 网 络 "
    assert index_text("plain English stays as it is") == "plain English stays as it is"
    assert index_text("") == ""


def test_compatibility_characters_are_folded() -> None:
    assert normalize("ＡＢＣ１２３") == "ABC123"
    assert normalize("ﬁle") == "file"
    assert normalize("，。") == "，。"  # full-width punctuation: unicode61 splits on it anyway


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("网络", [1, 5]),  # a 2-character word inside a sentence
        ("茶叶", [1]),
        ("网络安全", [1]),  # 4 characters: a phrase
        ("安全很", [1]),  # 3 characters
        ("茶", [1, 6]),  # 1 character
        ("络腮", [2]),
        ("网络 茶叶", [1]),  # both words
        ("5G网络", [5]),
        ("Mate 60", [5]),
    ],
)
def test_chinese_words(fts: sqlite3.Connection, query: str, expected: list[int]) -> None:
    assert search(fts, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("network", [3]),
        ("NETWORK", [3]),  # case-insensitive
        ("netw", [3]),  # prefix
        ("networks", [3]),
        ('"climate change"', [4]),  # phrase
        ('"change climate"', []),
        ("belem", [4]),  # diacritics
        ("Belém talks", [4]),
        ("ipho", [7]),  # full-width folded at both ends
        ("abc", [7]),
    ],
)
def test_english_words(fts: sqlite3.Connection, query: str, expected: list[int]) -> None:
    assert search(fts, query) == expected


def test_short_words_are_not_prefixes(fts: sqlite3.Connection) -> None:
    assert build_query("to") == '"to"'
    assert build_query("net") == '"net"*'
    assert search(fts, "ne") == []


@pytest.mark.parametrize(
    "query",
    ['"', '""', "AND", "OR NOT", "NEAR(a b)", "body:x", "*", "-", "a AND", "(", "^x", "'", "“"],
)
def test_any_input_is_a_valid_expression(fts: sqlite3.Connection, query: str) -> None:
    search(fts, query)  # must not raise


def test_nothing_to_search() -> None:
    assert build_query("") == ""
    assert build_query("  ,.!? ") == ""
    assert build_query('"   "') == ""


def test_quoted_phrase_mixing_scripts(fts: sqlite3.Connection) -> None:
    assert build_query('"华为Mate 60"') == '" 华 为 Mate 60"'
    assert search(fts, '"华为Mate 60"') == [5]
    assert search(fts, '"华为 60"') == []


def test_highlight_terms() -> None:
    from newsreader.core.textindex import highlight_terms

    assert highlight_terms("网络安全 Netw") == ["网络安全", "netw"]
    assert highlight_terms('"Tea Exports" tea') == ["tea exports", "tea"]
    assert highlight_terms("华为Mate60发布") == ["mate60", "华为", "发布"]
    assert highlight_terms("ＡＢＣ公司") == ["abc", "公司"]  # full-width folded
    assert highlight_terms("“茶叶”，") == ["茶叶"]
    assert highlight_terms("-foo * AND") == ["foo", "and"]  # longest first, else as typed
    for blank in ("", "   ", "，。！", '""', "*"):
        assert highlight_terms(blank) == []


def test_every_highlight_term_is_found_where_the_query_matches(fts: sqlite3.Connection) -> None:
    from newsreader.core.textindex import highlight_terms

    for query in ("网络", "netw", "茶叶 出口", "华为Mate 60"):
        ids = search(fts, query)
        assert ids
        for rowid in ids:
            text = normalize(DOCS[rowid]).lower()
            assert all(term in text for term in highlight_terms(query)), (query, rowid)
