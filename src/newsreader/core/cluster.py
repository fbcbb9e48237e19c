"""Story clustering and hotness: pure functions, no storage.

An article is described by the shingles of its title and lead:

* Latin text: lower-cased words, minus stop words, cut to their first
  `STEM` characters (a crude stemmer: "explodes", "exploded" and
  "explosion" all become "explo");
* CJK text: overlapping character bigrams ("网络安全" → 网络 络安 安全),
  minus those holding a glue character such as 的 or 在 (`STOP_CHARS`);
* numbers: "6.8", "14,000" → "14000", written-out Chinese numerals
  ("二十一" → "21"), results ("3:0", "3比0", "3-0" → "3:0"), model numbers
  glued to their name ("Pura80", "GPT-5" → "gpt5"); dates ("10月") are kept
  apart from other numbers.

Two articles are compared by the cosine of their TF-IDF vectors, title
shingles counting `TITLE_WEIGHT` times, IDF taken over the articles of the
window: a shingle that many share ("earthquake", "地震") weighs little, a
name or a number few share weighs a lot.  Numbers name events: when both
titles carry numbers and none of either title's numbers appears anywhere in
the other article, the similarity is multiplied by `NUMBER_CONFLICT`.  That
keeps "6.8 quake off Hokkaido" apart from "5.9 quake in Turkey", and 神舟二十一号
(launch) from 神舟二十号 (landing).

Clustering is incremental.  New articles are taken in time order; each one
joins the cluster of its most similar earlier article (from another feed,
at most `window_s` apart) if the similarity reaches `THRESHOLD`, else it
starts a cluster of its own, whose id is its own id.  An article with the
same link as an earlier one (within the window) always joins its cluster.
Existing clusters are never merged or split, so a cluster id is stable.

Candidates come from an inverted index over the window's shingles: every
article sharing a shingle that at most `MAX_DF_SHARE` of the window's
articles hold.  With a bounded window that finds exactly the pairs that
MinHash/LSH would approximate, and costs less in Python than hashing every
shingle k times.

The parameters were chosen on bench/data/cluster_eval.tsv (see
bench/cluster_eval.py), so that set flatters them.
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import add, itemgetter

WINDOW_HOURS = 48.0
THRESHOLD = 0.28
NUMBER_CONFLICT = 0.5
TITLE_WEIGHT = 2.0
STEM = 5
# A shingle shared by more than this share of the window's articles (and by
# more than MIN_DF_CAP of them) finds no candidates; it still counts in the
# similarity of the candidates found through other shingles.
MAX_DF_SHARE = 0.01
MIN_DF_CAP = 20
# Of a rare shingle, only the latest PER_SHINGLE articles are candidates (a
# story's latest reports stand for it); the CANDIDATES best are compared in full.
PER_SHINGLE = 10
CANDIDATES = 4
# IDF is taken as if the window held at least this many articles: in a tiny
# window every shared shingle would look common.
MIN_WINDOW = 200

_CJK_RANGES = (
    (0x3041, 0x3096), (0x30A1, 0x30FA), (0x30FC, 0x30FF), (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF),
)  # fmt: skip
_CJK = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _CJK_RANGES)
# One pass over the text: the first group that matches names the token.
_TOKEN = re.compile(
    r"(?<![\d.])(\d{1,2}) ?[:比–-] ?(\d{1,2})(?![\d.])"  # 1, 2: a result (3:0, 3比0, 1-3)
    r"|(?<![a-z])([a-z]{2,})-?(\d+(?:\.\d+)?)"  # 3, 4: a name with its number (pura80, gpt-5)
    r"|(\d+(?:[.,]\d+)*)([年月日]?)"  # 5, 6: a number, maybe a date (10月)
    f"|([^\\W\\d_{_CJK}]+)"  # 7: a word
)
# Characters that glue Chinese words together: a pair holding one says
# little about the story ("在广", "的新"), so runs are cut there.
STOP_CHARS = "的了在是和与及或将被把对从以于为至等也都而并其之这那个们有中上下"


def _cjk_class_without(chars: str) -> str:
    """A regex character class body: the CJK ranges minus `chars`."""
    cut = sorted(ord(c) for c in set(chars))
    parts = []
    for lo, hi in _CJK_RANGES:
        start = lo
        for point in (p for p in cut if lo <= p <= hi):
            if start < point:
                parts.append(f"{chr(start)}-{chr(point - 1)}")
            start = point + 1
        if start <= hi:
            parts.append(f"{chr(start)}-{chr(hi)}")
    return "".join(parts)


_CJK_PIECE = re.compile(f"[{_cjk_class_without(STOP_CHARS)}]{{2,}}")  # pairs come from these
_CJK_ALONE = re.compile(f"(?<![{_CJK}])[{_CJK}](?![{_CJK}])")  # a one-character run
_HAS_CJK = re.compile(f"[{_CJK}]")
# Chinese numerals written out: 二十一 (21), 十四 (14), 三百 (300)
_ZH_NUMERAL = re.compile(
    "[零〇一二两三四五六七八九十百千]*[十百千][零〇一二两三四五六七八九十百千]*"
)
_ZH_DIGITS = {c: n for n, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_YEAR = re.compile(r"(19|20)\d\d")

STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers him his how i if in into is it its
    itself just me more most my no nor not now of off on once only or other our ours out
    over own s same she should so some such t than that the their them then there these
    they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours says said say new news latest live
    update updates report reports amid first year years day days week""".split()
)


def _zh_number(match: re.Match[str]) -> str:
    text = match.group()
    if len(text) < 2:
        return text  # 十 alone is too often part of a word (十分)
    total = digit = 0
    for char in text:
        if char in _ZH_UNITS:
            total += max(digit, 1) * _ZH_UNITS[char]
            digit = 0
        else:
            digit = _ZH_DIGITS[char]
    return f" {total + digit} "


def _number(token: str) -> str:
    if "," in token:
        parts = token.split(",")
        if all(len(p) == 3 for p in parts[1:]):
            return "".join(parts)  # 14,000 → 14000
        return token.replace(",", ".")
    return token


def _analyze(text: str) -> tuple[set[str], set[str]]:
    """(shingles, numbers that name the event) of one piece of text."""
    text = unicodedata.normalize("NFKC", text).lower()
    out: set[str] = set()
    numbers: set[str] = set()
    if _HAS_CJK.search(text):
        text = _ZH_NUMERAL.sub(_zh_number, text)
        for piece in _CJK_PIECE.findall(text):
            out.update(map(add, piece, piece[1:]))
        # a unit after a number (14级), a one-character word
        out.update(c for c in _CJK_ALONE.findall(text) if c not in STOP_CHARS)
    for score1, score2, name, model, number, date, word in _TOKEN.findall(text):
        if word:
            if len(word) > 1 and word not in STOP_WORDS:
                out.add(word[:STEM])
        elif number:
            number = _number(number)
            if date:
                out.add(number + date)
            elif _YEAR.fullmatch(number):
                out.add(number)
            else:
                numbers.add(number)
        elif name:
            numbers.add(name + model)
        elif score1:
            numbers.add(f"{score1}:{score2}")
    out.update(numbers)
    return out, numbers


def shingles(text: str) -> set[str]:
    """The shingles of one piece of text (see the module docstring)."""
    return _analyze(text)[0]


@dataclass(frozen=True, slots=True)
class Features:
    """Shingle → multiplier (title shingles count `TITLE_WEIGHT`, lead ones 1),
    and the numbers of the title (not dates, not years)."""

    weights: dict[str, float]
    numbers: frozenset[str]


def features(title: str, lead: str = "") -> Features:
    title_shingles, numbers = _analyze(title)
    weights = dict.fromkeys(shingles(lead), 1.0) if lead else {}
    weights.update(dict.fromkeys(title_shingles, TITLE_WEIGHT))
    return Features(weights, frozenset(numbers))


def normalize_link(link: str) -> str:
    """A link as compared for identity: no fragment, no ``utm_*`` parameters,
    lower-case scheme and host, http = https, no trailing slash."""
    link = link.strip().partition("#")[0]
    scheme, sep, rest = link.partition("://")
    if not sep:
        return link
    scheme = scheme.lower()
    address, _, query = rest.partition("?")
    host, slash, path = address.partition("/")
    if "utm_" in query:
        query = "&".join(p for p in query.split("&") if not p.lower().startswith("utm_"))
    return (
        ("http" if scheme == "https" else scheme)
        + "://"
        + host.lower()
        + (slash + path).rstrip("/")
        + ("?" + query if query else "")
    )


@dataclass(frozen=True, slots=True)
class Item:
    """What clustering needs to know of an article."""

    id: int
    source: int  # the feed
    time: float  # UNIX seconds
    title: str
    lead: str = ""
    link: str = ""


@dataclass(slots=True)
class _Doc:
    item: Item
    features: Features
    link: str
    cluster: int = 0
    norm: float = 0.0


@dataclass(slots=True)
class _Index:
    docs: list[_Doc] = field(default_factory=list)
    postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)  # (doc, weight)
    by_link: dict[str, list[int]] = field(default_factory=dict)

    def add(self, doc: _Doc) -> None:
        number = len(self.docs)
        self.docs.append(doc)
        for shingle, weight in doc.features.weights.items():
            if weight >= TITLE_WEIGHT:  # candidates are found through title shingles
                self.postings.setdefault(shingle, []).append((number, weight))
        if doc.link:
            self.by_link.setdefault(doc.link, []).append(number)


def _norm(weights: dict[str, float], idf: dict[str, float]) -> float:
    return math.sqrt(sum((w * idf.get(s, 0.0)) ** 2 for s, w in weights.items()))


def similarity(a: Features, b: Features, idf: dict[str, float]) -> float:
    """Cosine of the two TF-IDF vectors (0 … 1), halved when both titles
    carry numbers and neither's numbers appear anywhere in the other."""
    return _similarity(a, b, idf, _norm(a.weights, idf), _norm(b.weights, idf))


def _similarity(a: Features, b: Features, idf: dict[str, float], na: float, nb: float) -> float:
    if not na or not nb:
        return 0.0
    wa, wb = a.weights, b.weights
    dot = sum(wa[s] * wb[s] * idf.get(s, 0.0) ** 2 for s in wa.keys() & wb.keys())
    score = dot / (na * nb)
    if (
        a.numbers
        and b.numbers
        and a.numbers.isdisjoint(b.weights)
        and b.numbers.isdisjoint(a.weights)
    ):
        score *= NUMBER_CONFLICT
    return score


def cluster(
    new: Sequence[Item],
    known: Iterable[tuple[Item, int]] = (),
    *,
    window_s: float = WINDOW_HOURS * 3600,
    threshold: float = THRESHOLD,
) -> dict[int, int]:
    """Cluster ids for the `new` items, given `known` (item, cluster id) pairs.

    `known` should hold every already clustered article within `window_s`
    of a new one: they are the candidates, and they make the document
    frequencies.  Returns {item id: cluster id} for the new items only.
    """
    index = _Index()
    df: Counter[str] = Counter()
    for item, cluster_id in sorted(known, key=lambda k: (k[0].time, k[0].id)):
        doc = _Doc(item, features(item.title, item.lead), normalize_link(item.link), cluster_id)
        index.add(doc)
        df.update(doc.features.weights.keys())
    pending = [
        _Doc(item, features(item.title, item.lead), normalize_link(item.link))
        for item in sorted(new, key=lambda i: (i.time, i.id))
    ]
    for doc in pending:
        df.update(doc.features.weights.keys())
    total = len(index.docs) + len(pending)
    documents = max(total, MIN_WINDOW) + 1  # a small window has ordinary articles too
    idf = {s: math.log(documents / n) for s, n in df.items()}
    for doc in itertools.chain(index.docs, pending):
        doc.norm = _norm(doc.features.weights, idf)
    cap = max(MIN_DF_CAP, MAX_DF_SHARE * total)
    rare_idf2 = {s: idf[s] ** 2 for s, n in df.items() if 1 < n <= cap}

    result: dict[int, int] = {}
    for doc in pending:
        doc.cluster = _assign(doc, index, idf, rare_idf2, window_s, threshold)
        result[doc.item.id] = doc.cluster
        index.add(doc)
    return result


_second = itemgetter(1)


def _assign(
    doc: _Doc,
    index: _Index,
    idf: dict[str, float],
    rare_idf2: dict[str, float],
    window_s: float,
    threshold: float,
) -> int:
    """The cluster `doc` joins: its own (its id) when nothing is similar enough.

    Candidates are scored on their rare shingles first (a partial dot
    product, from the `PER_SHINGLE` latest articles holding each); the best
    `CANDIDATES` of them are then compared in full.
    """
    item = doc.item
    docs = index.docs
    if doc.link:
        for number in index.by_link.get(doc.link, ()):
            if abs(docs[number].item.time - item.time) <= window_s:
                return docs[number].cluster
    partial: dict[int, float] = {}
    for shingle, weight in doc.features.weights.items():
        idf2 = rare_idf2.get(shingle)
        if idf2 is None or weight < TITLE_WEIGHT or shingle not in index.postings:
            continue  # common, or not in the title, or in no other title
        factor = idf2 * weight
        for number, other_weight in index.postings[shingle][-PER_SHINGLE:]:
            partial[number] = partial.get(number, 0.0) + factor * other_weight
    # The best partial scores first (a cheap C-level pass), then the checks.
    candidates = heapq.nlargest(
        CANDIDATES,
        (
            (dot / docs[number].norm, number)
            for number, dot in heapq.nlargest(3 * CANDIDATES, partial.items(), key=_second)
            if docs[number].item.source != item.source
            and abs(docs[number].item.time - item.time) <= window_s
        ),
    )
    best_score, best_cluster = 0.0, item.id
    for _, number in candidates:
        other = docs[number]
        score = _similarity(doc.features, other.features, idf, doc.norm, other.norm)
        if score > best_score:
            best_score, best_cluster = score, other.cluster
    return best_cluster if best_score >= threshold else item.id


def hotness(
    sources: int, age_hours: float, half_life_hours: float = 12.0, weight: float = 1.0
) -> float:
    """How hot a story is: ``weight × sources × 2^(−age_hours / half_life_hours)``.

    `sources` is the number of distinct feeds that reported it, `age_hours`
    the age of its newest article, `weight` the mean weight of those feeds
    (1 by default).  So each extra source adds as much as the first one, and
    a story's heat halves every `half_life_hours` after its last report: a
    story from 4 feeds whose last report is one half-life old is as hot as a
    fresh one from 2 feeds.
    """
    if sources <= 0 or half_life_hours <= 0:
        return 0.0
    return weight * sources * math.pow(0.5, max(age_hours, 0.0) / half_life_hours)
