"""Search benchmark: the project's index against bigrams, unicode61, trigram and LIKE.

    .venv/bin/python bench/search_bench.py                   # 100,000 articles (minutes)
    .venv/bin/python bench/search_bench.py --articles 10000  # a quick run
    .venv/bin/python bench/search_bench.py --variants chars,unicode61,like

The cache: N articles of about 5 KB of HTML each, half English and half
Chinese, from 200 feeds, stored through `Store.apply_parsed` (built once,
kept under bench/out/search-N/base.sqlite3, then copied for each run).  The
text comes from order-2 Markov chains trained on the real feeds of
../shared/corpus/real (words for English, characters for Chinese), so word
frequencies look like real text; without the corpus it falls back to
tests/feedgen.py's small vocabularies.

Variants, each built into the copy from the stored articles in one
transaction, the same way for all (500 rows at a time, the HTML turned into
text by `sanitize.html_to_text`, rows inserted with executemany), and sized
with the dbstat table:

* chars: `stories.MIGRATION` (contentless FTS5, unicode61 over
  `textindex.index_text`: every CJK character a token), the project's index;
* bigrams: the same, but CJK runs indexed as overlapping bigrams (plus the
  last character of each run, for 1-character queries): the other way
  measured, kept here for comparison;
* unicode61: contentless FTS5 over the raw text (finds no Chinese word);
* trigram: contentless FTS5, trigram tokenizer (2-character words find nothing);
* like: no index: every word a LIKE substring of the title or the HTML,
  newest first, as `Store.articles(ArticleQuery(search=…))` did before the
  index (it takes "quotes" literally).

Queries: a fixed mix of English words (common to rare), prefixes, two-word
queries and quoted phrases, Chinese 1- to 4-character words, and mixed
ones, picked from the generated text by document frequency (Chinese ones
from a list of real words when one is close).  Each is timed for the first
page: 50 ids, newest first, then their headline rows
(`Store.articles_by_id`); five runs, the median kept; then the median and
the worst over the set.  For the chars index the Store's own API is timed
too: "store-rank" is `Store.search_ids` (bm25, the newest 2,000 matches)
then the rows, "store-date" `Store.articles(ArticleQuery(search=…))`
(exactly newest first by date).  And two more plans, with
`stories.match_clause` as a filter in the storage's query (joins
included): "date" ordered by sort_date (as `Store.articles` orders), and
"unread" with the unread filter too, ordered by id (as `search_ids`
orders).  Chinese result counts of the chars index are checked against
LIKE (substring) counts.

Also measured: `stories.related` latency (20 articles), `hot_clusters` and
`cluster_info` (nothing clustered: every article its own story), and the
cost of indexing at ingest: 2,000 articles through `apply_parsed` (50 per
feed and transaction) without and with the index triggers (they queue the
articles), then `stories.index_articles`.

Results: a table on stdout, JSON in bench/out/search_bench-N.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from newsreader.core import stories, textindex  # noqa: E402
from newsreader.core.sanitize import html_to_text  # noqa: E402
from newsreader.core.storage import ArticleQuery, Store  # noqa: E402
from newsreader.core.sync_types import ParsedEntry, ParsedFeed  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "real"
OUT = ROOT / "bench" / "out"
FEEDS = 200
PAGE = 50

# -- text generation -------------------------------------------------------------

_EN_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+(?:[.,]\d+)?|[.,;:!?]")
_ZH_TOKEN = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]+|\d+|[，。、：；！？“”（）]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


class TextModel:
    """Order-2 Markov chains: English over words, Chinese over characters."""

    def __init__(self, english: list[str], chinese: list[str]) -> None:
        self.chains = {"en": self._chain(english), "zh": self._chain(chinese)}
        self.starts = {lang: list(chain) for lang, chain in self.chains.items()}

    @staticmethod
    def _chain(tokens: list[str]) -> dict[tuple[str, str], list[str]]:
        chain: dict[tuple[str, str], list[str]] = {}
        for a, b, c in zip(tokens, tokens[1:], tokens[2:], strict=False):
            chain.setdefault((a, b), []).append(c)
        return chain

    @classmethod
    def load(cls) -> TextModel:
        if CORPUS.is_dir():
            from newsreader.core.parse import parse_feed

            english: list[str] = []
            chinese: list[str] = []
            for path in sorted(CORPUS.iterdir()):
                try:
                    feed = parse_feed(path.read_bytes(), url="http://corpus.test/")
                except Exception:  # noqa: BLE001 - some corpus files are broken on purpose
                    continue
                for entry in feed.entries:
                    text = (
                        entry.title + ". " + html_to_text(entry.content_html or entry.summary_html)
                    )
                    if len(_CJK.findall(text)) > len(text) * 0.3:
                        chinese += _ZH_TOKEN.findall(text)
                    elif path.name.startswith("en_"):
                        english += _EN_TOKEN.findall(text)
            if len(english) > 10_000 and len(chinese) > 10_000:
                return cls(english, chinese)
        from feedgen import EN_WORDS, ZH_PHRASES

        rng = random.Random(1)
        return cls(
            [rng.choice(EN_WORDS) for _ in range(50_000)],
            list("".join(rng.choice(ZH_PHRASES) for _ in range(30_000))),
        )

    def sentence(self, rng: random.Random, lang: str, length: int) -> str:
        chain = self.chains[lang]
        keys = self.starts[lang]
        state = rng.choice(keys)
        out = list(state)
        while len(out) < length:
            nexts = chain.get(state)
            if not nexts:
                state = rng.choice(keys)
                out.extend(state)
                continue
            token = rng.choice(nexts)
            out.append(token)
            state = (state[1], token)
        if lang == "zh":
            return "".join(t if _CJK.match(t) or not t[0].isalnum() else f" {t} " for t in out)
        return re.sub(r" ([.,;:!?])", r"\1", " ".join(out))


class Articles:
    """Headlines and ~5 KB bodies, from pools of generated sentences."""

    def __init__(self, model: TextModel, seed: int = 1, pool: int = 20_000) -> None:
        rng = random.Random(seed)
        self.pools = {
            "en": [model.sentence(rng, "en", rng.randint(8, 30)) for _ in range(pool)],
            "zh": [model.sentence(rng, "zh", rng.randint(15, 60)) for _ in range(pool)],
        }
        self.titles = {
            "en": [model.sentence(rng, "en", rng.randint(6, 12)) for _ in range(pool)],
            "zh": [model.sentence(rng, "zh", rng.randint(10, 25)) for _ in range(pool)],
        }

    def article(self, rng: random.Random, lang: str, body_bytes: int = 5000) -> tuple[str, str]:
        title = rng.choice(self.titles[lang]).strip(" .,;:。，")
        paragraphs: list[str] = []
        size = 0
        while size < body_bytes:
            text = ("" if lang == "zh" else " ").join(rng.choices(self.pools[lang], k=3))
            paragraph = f"<p>{text}</p>"
            paragraphs.append(paragraph)
            size += len(paragraph.encode())
        return title, "\n".join(paragraphs)


# -- the cache -------------------------------------------------------------------


def _entries(articles: Articles, count: int, seed: int, start: float) -> Iterator[tuple[int, ParsedEntry]]:  # fmt: skip
    rng = random.Random(seed)
    for n in range(count):
        lang = "zh" if n % 2 else "en"
        title, html = articles.article(rng, lang)
        when = datetime.fromtimestamp(start + n * 30 + rng.uniform(0, 600), UTC)
        yield (
            n % FEEDS,
            ParsedEntry(
                key=f"{seed}-{n}",
                title=title,
                link=f"http://bench.test/{seed}/{n}",
                author="",
                published=when,
                updated=None,
                summary_html="",
                content_html=html,
                snippet=html_to_text(html[:800])[:200],
                content_hash=f"{seed}-{n}",
            ),
        )


def fill(store: Store, articles: Articles, count: int, seed: int, batch: int = 50) -> float:
    """Insert `count` articles, `batch` per feed and transaction, as a sync
    does; returns the seconds spent in apply_parsed."""
    feed_ids = [f.id for f in store.feeds(counts=False)]
    while len(feed_ids) < FEEDS:
        feed_ids.append(store.add_feed(f"http://bench.test/feed/{len(feed_ids)}"))
    pending: dict[int, list[ParsedEntry]] = {}
    seconds = 0.0
    start = time.time() - count * 30 - 3600
    for feed_no, entry in _entries(articles, count, seed, start):
        pending.setdefault(feed_no, []).append(entry)
        if len(pending[feed_no]) == batch:
            seconds += _apply(store, feed_ids[feed_no], pending.pop(feed_no))
    for feed_no, entries in pending.items():
        seconds += _apply(store, feed_ids[feed_no], entries)
    return seconds


def _apply(store: Store, feed_id: int, entries: list[ParsedEntry]) -> float:
    parsed = ParsedFeed(title="", link="", entries=tuple(reversed(entries)), kind="rss20")
    started = time.perf_counter()
    store.apply_parsed(feed_id, parsed, body_hash="", next_check=0)
    return time.perf_counter() - started


def base_cache(count: int, articles: Articles) -> Path:
    """A cache of `count` articles without any index (built once, then copied)."""
    directory = OUT / f"search-{count}"
    base = directory / "base.sqlite3"
    if not base.exists():
        directory.mkdir(parents=True, exist_ok=True)
        partial = directory / "base.partial.sqlite3"
        started = time.perf_counter()
        with Store(partial) as store:
            fill(store, articles, count, seed=1, batch=500)
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        partial.rename(base)
        print(f"built the {count}-article cache in {time.perf_counter() - started:.0f} s")
    return base


# -- variants --------------------------------------------------------------------

CHARS, BIGRAMS, UNICODE61, TRIGRAM, LIKE = "chars", "bigrams", "unicode61", "trigram", "like"
_TOKENIZERS = {
    BIGRAMS: "tokenize='unicode61 remove_diacritics 2'",
    UNICODE61: "tokenize='unicode61 remove_diacritics 2'",
    TRIGRAM: "tokenize='trigram'",
}
_CJK_RUN = re.compile(f"[{textindex.CJK_CLASS}]+")


def _bigrams(run: str) -> list[str]:
    return [run] if len(run) < 2 else [run[i : i + 2] for i in range(len(run) - 1)]


def bigram_text(text: str) -> str:
    """The bigram alternative: "网络安全" → "网络 络安 安全" (+ "全" at the end)."""
    text = textindex.normalize(text or "")
    if not _CJK_RUN.search(text):
        return text
    tails = " ".join(sorted({run[-1] for run in _CJK_RUN.findall(text)}))
    return _CJK_RUN.sub(lambda m: " " + " ".join(_bigrams(m.group())) + " ", text) + " " + tails


def _table(variant: str) -> str:
    return "article_fts" if variant == CHARS else f"bench_{variant}"


def build(store: Store, variant: str) -> float:
    """Build one index; returns the seconds it took.

    All variants read the articles and turn their HTML into text the same
    way as `stories.index_articles` does (500 rows at a time, in Python).
    """
    conn = store.conn
    started = time.perf_counter()
    with store.write():
        if variant == CHARS:
            if _has_stories_schema(store):  # schema.MIGRATIONS holds it
                stories.rebuild_index(conn)
            else:
                for statement in stories.MIGRATION:  # queues every article
                    conn.execute(statement)
                stories.index_articles(conn)
            return time.perf_counter() - started
        table = _table(variant)
        conn.execute(
            f"CREATE VIRTUAL TABLE {table} USING fts5(title, body, content='', "
            f"{_TOKENIZERS[variant]})"
        )
        tokens = bigram_text if variant == BIGRAMS else str
        last = 0
        while rows := conn.execute(
            "SELECT id, title, content_html, summary_html FROM articles"
            " WHERE purged = 0 AND id > ? ORDER BY id LIMIT 500",
            (last,),
        ).fetchall():
            conn.executemany(
                f"INSERT INTO {table}(rowid, title, body) VALUES (?, ?, ?)",
                [(aid, tokens(title), tokens(html_to_text(content or summary)))
                 for aid, title, content, summary in rows],
            )  # fmt: skip
            last = rows[-1][0]
    return time.perf_counter() - started


def index_bytes(store: Store, name: str, *, prefix: bool = True) -> int:
    row = store.conn.execute(
        "SELECT sum(pgsize) FROM dbstat WHERE name LIKE ?", (name + ("%" if prefix else ""),)
    ).fetchone()
    return int(row[0] or 0)


# -- queries ---------------------------------------------------------------------


# Real words to search for; the ones whose frequency in the generated text
# is closest to a target are used (else any substring of that length).
ZH_WORDS = """网络 茶叶 安全 数据 用户 开发 系统 问题 时间 技术 服务 应用 文件 代码 程序 公司
中国 世界 手机 电脑 编程 语言 函数 学习 工作 生活 经济 市场 发布 更新 版本 社区 开源 项目
设计 产品 音乐 电影 新闻 政府 历史 文化 教育 学校 医院 城市 汽车 高铁 天气 台风 微信 苹果
谷歌 微软 腾讯 华为 小米 性能 测试 安装 配置 命令 字符 编码 网站 博客 文章 读者 作者 图片
视频 游戏 硬件 软件 插件 浏览器 服务器 数据库 比特币 区块链 程序员 工程师 互联网 云计算
操作系统 人工智能 机器学习 搜索引擎 阿里巴巴 开源软件 前端开发 """.split()


def pick_queries(store: Store, count: int) -> list[tuple[str, str]]:
    """(kind, query): picked by document frequency in a sample of articles."""
    rng = random.Random(5)
    sample_ids = rng.sample(range(1, count + 1), min(count, 3000))
    en_df: Counter[str] = Counter()
    zh_df: dict[int, Counter[str]] = {1: Counter(), 2: Counter(), 3: Counter(), 4: Counter()}
    zh_words: Counter[str] = Counter()
    zh_latin: Counter[str] = Counter()  # English words inside Chinese articles
    en_pairs: Counter[str] = Counter()
    zh_docs = 0
    for (html,) in store.conn.execute(
        f"SELECT content_html FROM articles WHERE id IN ({','.join(map(str, sample_ids))})"
    ):
        text = html_to_text(html)
        if _CJK.search(text):
            zh_docs += 1
            runs = re.findall(r"[\u4e00-\u9fff]+", text)
            for n, counter in zh_df.items():
                counter.update({r[i : i + n] for r in runs for i in range(len(r) - n + 1)})
            zh_words.update(w for w in ZH_WORDS if w in text)
            zh_latin.update(set(re.findall(r"[a-z]{4,}", text.lower())))
        else:
            words = re.findall(r"[a-z]+", text.lower())
            en_df.update(set(words))
            en_pairs.update(
                {f"{a} {b}" for a, b in itertools.pairwise(words) if len(a) > 2 < len(b)}
            )
    en_docs = len(sample_ids) - zh_docs

    def english(counter: Counter[str], share: float, min_len: int = 1) -> str:
        target = share * en_docs
        return min((abs(n - target), w) for w, n in counter.items() if len(w) >= min_len)[1]

    def chinese(length: int, share: float) -> str:
        target = max(1.0, share * zh_docs)
        words = [(abs(n - target), w) for w, n in zh_words.items() if len(w) == length]
        best = min(words, default=(target, ""))
        if best[1] and best[0] <= target:  # a real word within a factor of 2
            return best[1]
        return min((abs(n - target), w) for w, n in zh_df[length].items())[1]

    common_en = english(en_df, 0.5, 4)
    mid_en = english(en_df, 0.05, 5)
    return [
        ("en word, common", common_en),
        ("en word, 5%", mid_en),
        ("en word, rare", english(en_df, 0.002, 5)),
        ("en prefix", mid_en[:4]),
        ("en prefix, short", common_en[:3]),
        ("en two words", f"{common_en} {mid_en}"),
        ("en phrase", f'"{english(en_pairs, 0.02)}"'),
        ("en phrase, rare", f'"{english(en_pairs, 0.002)}"'),
        ("zh 2 chars, common", chinese(2, 0.5)),
        ("zh 2 chars, 5%", chinese(2, 0.05)),
        ("zh 2 chars, rare", chinese(2, 0.002)),
        ("zh 3 chars", chinese(3, 0.05)),
        ("zh 3 chars, rare", chinese(3, 0.002)),
        ("zh 4 chars", chinese(4, 0.02)),
        ("zh 1 char", chinese(1, 0.05)),
        ("zh two words", f"{chinese(2, 0.2)} {chinese(2, 0.02)}"),
        ("mixed", f"{max(zh_latin, key=zh_latin.__getitem__)} {chinese(2, 0.05)}"),
        ("no match", "qqqxyz"),
    ]


def _timed(run: Callable[[], object], repeat: int) -> tuple[float, object]:
    times = []
    result: object = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def expression(variant: str, query: str) -> str:
    """The query as each raw index can take it: words AND-ed, Latin words of
    3 letters or more as prefixes (not for trigram), "phrases" as phrases;
    for bigrams, CJK words as bigram phrases (1 character: a prefix)."""
    terms = []
    for phrase, word in re.findall(r'"([^"]*)"|(\S+)', query):
        text = phrase or word
        if variant == BIGRAMS and _CJK_RUN.search(text):
            for segment in re.findall(f"[{textindex.CJK_CLASS}]+|[^{textindex.CJK_CLASS}]+", text):
                if _CJK_RUN.match(segment):
                    term = '"' + " ".join(_bigrams(segment)) + '"'
                    terms.append(term + ("*" if len(segment) == 1 else ""))
                elif segment.strip():
                    terms.append('"' + segment.strip() + '"')
            continue
        term = '"' + text.replace('"', '""') + '"'
        if word and variant != TRIGRAM and re.fullmatch(r"[A-Za-z]{3,}", word):
            term += "*"
        terms.append(term)
    return " AND ".join(terms)


def like_where(query: str) -> tuple[str, list[object]]:
    """The search as the storage did it before the index: every word a
    LIKE substring of the title or the HTML."""
    where, params = [], []
    for word in query.split():
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(
            "(a.title LIKE ? ESCAPE '\\' OR a.content_html LIKE ? ESCAPE '\\'"
            " OR a.summary_html LIKE ? ESCAPE '\\')"
        )
        params += [pattern, pattern, pattern]
    return " AND ".join(where) or "1", params


def like_page(store: Store, query: str, limit: int = PAGE) -> list[int]:
    where, params = like_where(query)
    sql = f"""SELECT a.id FROM articles a WHERE a.purged = 0 AND {where}
              ORDER BY a.sort_date DESC, a.id DESC LIMIT ?"""
    ids = [int(r[0]) for r in store.conn.execute(sql, [*params, limit])]
    return [a.id for a in store.articles_by_id(ids)]


def first_page(store: Store, variant: str, query: str, plan: str) -> list[int]:
    conn = store.conn
    if variant == LIKE:
        return like_page(store, query)
    if variant == CHARS and plan == "store-rank":  # Store.search_ids: bm25, title first
        return [a.id for a in store._articles_in_order(store.search_ids(query, limit=PAGE))]
    if variant == CHARS and plan == "store-date":  # ArticleQuery.search: newest first
        return [a.id for a in store.articles(ArticleQuery(search=query, limit=PAGE))]
    if variant == CHARS and plan in ("date", "unread"):
        # The storage's own query with the search as a filter: newest first
        # by date, or (with the unread filter) by id, as search_ids orders.
        clause, params = stories.match_clause(query)
        where, order = "", "a.sort_date DESC, a.id DESC"
        if plan == "unread":
            where, order = "AND s.read = 0", "a.id DESC"
        sql = f"""SELECT a.id, a.title, a.sort_date, s.read, f.title
                  FROM articles a JOIN article_state s ON s.article_id = a.id
                  JOIN feeds f ON f.id = a.feed_id
                  WHERE a.purged = 0 AND {clause} {where}
                  ORDER BY {order} LIMIT {PAGE}"""
        return [int(r[0]) for r in conn.execute(sql, params)]
    if variant == CHARS:
        ids = stories.search_ids(conn, query, PAGE)
    else:
        try:
            ids = [
                int(r[0])
                for r in conn.execute(
                    f"SELECT rowid FROM {_table(variant)} WHERE {_table(variant)} MATCH ?"
                    f" ORDER BY rowid DESC LIMIT {PAGE}",
                    (expression(variant, query),),
                )
            ]
        except sqlite3.OperationalError:  # a query this tokenizer cannot take
            ids = []
    return [a.id for a in store.articles_by_id(ids)]


# -- main ------------------------------------------------------------------------


def _has_stories_schema(store: Store) -> bool:
    row = store.conn.execute("SELECT 1 FROM sqlite_schema WHERE name = 'article_fts'")
    return row.fetchone() is not None


def ingest_cost(articles: Articles) -> dict[str, float]:
    """Seconds for 2,000 new articles (50 per feed and transaction):
    `apply_parsed` without the index triggers and with them (they queue
    the articles), then `index_articles` indexing them."""
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label in ("apply_parsed without triggers", "apply_parsed with triggers"):
            with Store(Path(tmp) / f"{len(out)}.sqlite3") as store:
                with store.write() as conn:
                    if not _has_stories_schema(store):
                        for statement in stories.MIGRATION:
                            conn.execute(statement)
                    if label.endswith("without triggers"):
                        for name in ("insert", "update", "delete"):
                            conn.execute(f"DROP TRIGGER article_fts_{name}")
                out[label] = round(fill(store, articles, 2000, seed=9), 3)
                if label.endswith("with triggers"):
                    started = time.perf_counter()
                    with store.write() as conn:
                        stories.index_articles(conn)
                    out["index_articles"] = round(time.perf_counter() - started, 3)
    return out


def run_queries(store: Store, variants: list[str], queries: list[tuple[str, str]], repeat: int) -> tuple[list[dict[str, object]], dict[str, list[float]]]:  # fmt: skip
    plans = [(v, "ids") for v in variants]
    if CHARS in variants:
        plans += [(CHARS, "store-rank"), (CHARS, "store-date"), (CHARS, "date"), (CHARS, "unread")]
    latencies: dict[str, list[float]] = {f"{v}/{p}": [] for v, p in plans}
    rows: list[dict[str, object]] = []
    for kind, query in queries:
        row: dict[str, object] = {"kind": kind, "query": query}
        cells = []
        for variant, plan in plans:

            def page(v: str = variant, p: str = plan, q: str = query) -> list[int]:
                return first_page(store, v, q, p)

            ms, ids = _timed(page, 1 if variant == LIKE else repeat)
            latencies[f"{variant}/{plan}"].append(ms)
            row[f"{variant}/{plan}"] = {"ms": round(ms, 2), "rows": len(ids)}  # type: ignore[arg-type]
            cells.append(f"{variant}/{plan} {ms:6.1f} ms {len(ids):>2}")
        if kind.startswith("zh") and CHARS in variants:
            row["chars_matches"] = len(stories.search_ids(store.conn, query, 10**9))
            if LIKE in variants:
                where, params = like_where(query)
                row["like_matches"] = store.conn.execute(
                    f"SELECT count(*) FROM articles a WHERE a.purged = 0 AND {where}", params
                ).fetchone()[0]
            cells.append(f"matches {row['chars_matches']}/{row.get('like_matches', '?')}")
        rows.append(row)
        print(f"  {kind:<20} {query!r:<24} " + " | ".join(cells), flush=True)
    return rows, latencies


def story_views(store: Store) -> dict[str, object]:
    """Cluster the whole cache (as a sync would after an upgrade), then time
    the views the window opens on: `Store.hot(100)` (the default view),
    `Store.articles()` pages of 100 (newest first, with cluster_id and
    sources), `Store.related` and `Store.cluster_members`."""
    out: dict[str, object] = {}
    started = time.perf_counter()
    done = store.update_stories()
    out["cluster_whole_cache_s"] = round(time.perf_counter() - started, 1)
    out["clustered"] = done.clustered
    out["stories"] = store.conn.execute("SELECT count(*) FROM clusters").fetchone()[0]
    for label, run in (
        ("hot_100_ms", lambda: store.hot(100)),
        ("hot_100_offset_1000_ms", lambda: store.hot(100, 1000)),
        ("articles_page_100_ms", lambda: store.articles(ArticleQuery(limit=100))),
        ("unread_page_100_ms", lambda: store.articles(ArticleQuery(unread=True, limit=100))),
    ):
        ms, _ = _timed(run, 7)
        out[label] = round(ms, 2)
    hot = store.hot(100)
    sample = [a.id for a in hot[:20]]
    times = [_timed(lambda a=a: store.related(a), 1)[0] for a in sample]  # type: ignore[misc]
    out["related_ms"] = {"median": round(statistics.median(times), 2), "max": round(max(times), 2)}
    ms, _ = _timed(lambda: [store.cluster_members(a.cluster_id) for a in hot[:10]], 3)
    out["cluster_members_10_ms"] = round(ms, 2)
    started = time.perf_counter()
    store.set_hot_half_life(6.0)
    out["set_hot_half_life_s"] = round(time.perf_counter() - started, 2)
    print(f"stories: {out}", flush=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--variants", default=f"{CHARS},{BIGRAMS},{UNICODE61},{TRIGRAM},{LIKE}")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the indexed copy of the cache")
    args = parser.parse_args()
    variants = args.variants.split(",")
    articles = Articles(TextModel.load())
    base = base_cache(args.articles, articles)
    work = base.with_name("indexed.sqlite3")
    for path in work.parent.glob(work.name + "*"):
        path.unlink()
    shutil.copyfile(base, work)
    report: dict[str, object] = {
        "articles": args.articles,
        "text": "Markov chains over ../shared/corpus/real" if CORPUS.is_dir() else "feedgen",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    with Store(work) as store:
        report["articles_table_mb"] = round(index_bytes(store, "articles", prefix=False) / 1e6, 1)
        builds: dict[str, dict[str, float]] = {}
        for variant in variants:
            if variant == LIKE:
                continue
            seconds = build(store, variant)
            size = index_bytes(store, _table(variant) + "_")
            builds[variant] = {"build_s": round(seconds, 2), "size_mb": round(size / 1e6, 1)}
            print(f"{variant}: built in {seconds:.1f} s, {size / 1e6:.1f} MB", flush=True)
        report["builds"] = builds
        rows, latencies = run_queries(store, variants, pick_queries(store, args.articles), args.repeat)  # fmt: skip
        report["queries"] = rows
        report["latency_ms"] = {
            k: {"median": round(statistics.median(v), 2), "max": round(max(v), 2)}
            for k, v in latencies.items()
        }
        if CHARS in variants:
            sample = random.Random(3).sample(range(1, args.articles + 1), 20)
            times = [_timed(lambda a=a: stories.related(store.conn, a), 1)[0] for a in sample]  # type: ignore[misc]
            report["related_ms"] = {
                "median": round(statistics.median(times), 2),
                "max": round(max(times), 2),
            }
            # Every article is its own story here (nothing clustered): the
            # query cost of the Hot view over the last ten half-lives.
            newest = store.conn.execute("SELECT max(sort_date) FROM articles").fetchone()[0]
            ms, hot = _timed(lambda: stories.hot_clusters(store.conn, 50, 12.0, now=newest), 3)
            report["hot_clusters_ms"] = round(ms, 2)
            ms, _ = _timed(lambda: stories.cluster_info(store.conn, [h.article_id for h in hot]), 3)  # type: ignore[attr-defined]
            report["cluster_info_50_ms"] = round(ms, 2)
        if CHARS in variants:
            report["stories"] = story_views(store)
    report["ingest_2000_s"] = ingest_cost(articles)
    if not args.keep:
        for path in work.parent.glob(work.name + "*"):
            path.unlink()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"search_bench-{args.articles}.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False)
    )
    print_table(report)
    return 0


def print_table(report: dict[str, object]) -> None:
    builds: dict[str, dict[str, float]] = report["builds"]  # type: ignore[assignment]
    latency: dict[str, dict[str, float]] = report["latency_ms"]  # type: ignore[assignment]
    print(f"\nN = {report['articles']:,} articles; articles table {report['articles_table_mb']} MB")
    print("| variant | build s | index MB | first page median ms | worst ms |")
    print("|---|---:|---:|---:|---:|")
    for key, lat in latency.items():
        variant = key.split("/")[0]
        b = builds.get(variant, {})
        print(
            f"| {key} | {b.get('build_s', '–')} | {b.get('size_mb', '–')} | "
            f"{lat['median']} | {lat['max']} |"
        )
    if "related_ms" in report:
        print(f"related(): {report['related_ms']} ms")
        print(
            f"hot_clusters(50): {report['hot_clusters_ms']} ms, cluster_info(50 ids): {report['cluster_info_50_ms']} ms"
        )
    print(f"ingest of 2,000 articles, seconds: {report['ingest_2000_s']}")
    if "stories" in report:
        print(f"stories: {report['stories']}")


if __name__ == "__main__":
    raise SystemExit(main())
