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

Candidates come from an inverted index over the window's title shingles:
articles whose title shares a shingle that few articles of the window hold
(at most `MAX_DF_SHARE` of them), the latest `PER_SHINGLE` of each.  With a
bounded window that finds the pairs MinHash/LSH would approximate, and costs
less in Python than hashing every shingle k times; the best `CANDIDATES` are
then compared in full.

The parameters were chosen on bench/data/cluster_eval.tsv (see
bench/cluster_eval.py), so that set flatters them.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import add, attrgetter, itemgetter, methodcaller

WINDOW_HOURS = 48.0
THRESHOLD = 0.28
NUMBER_CONFLICT = 0.5
TITLE_WEIGHT = 2.0
LEAD_CHARS = 120  # of the lead, only the start counts: who, what, where
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
    f"|([{_CJK}]+)"  # 8: a CJK run
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
    for score1, score2, name, model, number, date, word, run in _TOKEN.findall(text):
        if word:
            if len(word) > 1 and word not in STOP_WORDS:
                out.add(word[:STEM])
        elif run:
            if len(run) > 1:
                for piece in _CJK_PIECE.findall(run):
                    out.update(map(add, piece, piece[1:]))
            elif run not in STOP_CHARS:
                out.add(run)  # a unit after a number (14级), a one-character word
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
        else:
            numbers.add(f"{score1}:{score2}")
    out.update(numbers)
    return out, numbers


def shingles(text: str) -> set[str]:
    """The shingles of one piece of text (see the module docstring)."""
    return _analyze(text)[0]


class Features:
    """The shingles of an article's title, those of its lead that are not in
    the title, and the numbers of the title (not dates, not years).

    The shingles are kept as text, one space between them, and split when
    used: a window of 20,000 articles then holds 40,000 strings instead of
    half a million.  `weights` (shingle → multiplier: title shingles count
    `TITLE_WEIGHT`, lead ones 1) is built when asked for: clustering reads
    every article of the window, but compares only a few candidates in full."""

    __slots__ = ("lead_text", "numbers", "title_text")

    def __init__(
        self,
        title: Iterable[str] = (),
        lead: Iterable[str] = (),
        numbers: frozenset[str] = frozenset(),
    ) -> None:
        self.title_text = " ".join(title)
        self.lead_text = " ".join(lead)
        self.numbers = numbers

    @classmethod
    def from_text(cls, title: str, lead: str, numbers: frozenset[str]) -> Features:
        """Features from shingles already joined by whitespace."""
        f = cls(numbers=numbers)
        f.title_text, f.lead_text = title, lead
        return f

    @property
    def title(self) -> list[str]:
        return self.title_text.split()

    @property
    def lead(self) -> list[str]:
        return self.lead_text.split()

    @property
    def weights(self) -> dict[str, float]:
        weights = dict.fromkeys(self.lead_text.split(), 1.0)
        weights.update(dict.fromkeys(self.title_text.split(), TITLE_WEIGHT))
        return weights

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Features):
            return NotImplemented
        return (
            set(self.title) == set(other.title)
            and set(self.lead) == set(other.lead)
            and self.numbers == other.numbers
        )

    def __hash__(self) -> int:
        return hash((frozenset(self.title), frozenset(self.lead), self.numbers))

    def __repr__(self) -> str:
        return f"Features(title={self.title!r}, lead={self.lead!r}, numbers={set(self.numbers)!r})"


def features(title: str, lead: str = "") -> Features:
    """The features of an article: its title, and the start of its lead."""
    title_shingles, numbers = _analyze(title)
    lead_only = shingles(lead[:LEAD_CHARS]) - title_shingles if lead else set()
    return Features(title_shingles, lead_only, frozenset(numbers))


def encode_features(f: Features) -> str:
    """`f` as one line of text, for `decode_features` (shingles hold no
    whitespace): a cache can keep an article's features, computed once."""
    return f.title_text + "\t" + f.lead_text + "\t" + " ".join(f.numbers)


def decode_features(text: str) -> Features | None:
    """The `Features` `encode_features` wrote; None for anything else."""
    parts = text.split("\t")
    if len(parts) != 3:
        return None
    title, lead, numbers = parts
    return Features.from_text(title, lead, frozenset(numbers.split()) if numbers else frozenset())


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
    # Its features, when known (see `encode_features`): else computed.
    features: Features | None = field(default=None, compare=False)


@dataclass(slots=True)
class _Index:
    """The articles of the window, in parallel lists by number."""

    rare: set[str]  # title shingles rare enough to find candidates (`_assign`)
    items: list[Item] = field(default_factory=list)
    features: list[Features] = field(default_factory=list)
    clusters: list[int] = field(default_factory=list)
    norms: list[float] = field(default_factory=list)  # < 0: not computed yet
    postings: dict[str, list[int]] = field(default_factory=dict)  # rare shingle → numbers
    by_link: dict[str, list[int]] = field(default_factory=dict)

    def add_known(self, known: Sequence[tuple[Item, int]], known_features: list[Features]) -> None:
        """Add the already clustered articles (in time order), in bulk: their
        norms are computed only if they turn out to be candidates."""
        start = len(self.items)
        self.items += [item for item, _ in known]
        self.clusters += [cluster_id for _, cluster_id in known]
        self.features += known_features
        self.norms += [-1.0] * len(known)
        intersection, postings = self.rare.intersection, self.postings
        for number, f in enumerate(known_features, start):
            for shingle in intersection(f.title_text.split()):
                postings.setdefault(shingle, []).append(number)
        by_link = self.by_link
        for number, (item, _) in enumerate(known, start):
            if item.link:
                by_link.setdefault(normalize_link(item.link), []).append(number)

    def add(
        self,
        item: Item,
        features: Features,
        cluster_id: int,
        norm: float,
        link: str,
        title: list[str],
    ) -> None:
        """Add a new article once clustered (`title`: its title shingles)."""
        number = len(self.items)
        self.items.append(item)
        self.features.append(features)
        self.clusters.append(cluster_id)
        self.norms.append(norm)
        postings = self.postings
        for shingle in self.rare.intersection(title):
            postings.setdefault(shingle, []).append(number)
        if link:
            self.by_link.setdefault(link, []).append(number)


def _norm(f: Features, idf2: dict[str, float]) -> float:
    """The length of `f`'s TF-IDF vector (`idf2`: squared IDFs); summed by
    `map` in C, since every weight is TITLE_WEIGHT (title) or 1 (lead)."""
    get = idf2.__getitem__
    return math.sqrt(
        TITLE_WEIGHT**2 * sum(map(get, f.title_text.split())) + sum(map(get, f.lead_text.split()))
    )


def similarity(a: Features, b: Features, idf: dict[str, float]) -> float:
    """Cosine of the two TF-IDF vectors (0 … 1), times `NUMBER_CONFLICT` when
    both titles carry numbers and neither's numbers appear in the other."""
    idf2 = {s: v * v for s, v in idf.items()}
    return _similarity(a.weights, a, b, idf2, _norm(a, idf2), _norm(b, idf2))


def _similarity(
    wa: dict[str, float], a: Features, b: Features, idf2: dict[str, float], na: float, nb: float
) -> float:
    """`similarity`, given `a`'s weights (`wa`), squared IDFs and both norms."""
    if not na or not nb:
        return 0.0
    wb = b.weights
    dot = sum(wa[s] * wb[s] * idf2[s] for s in wa.keys() & wb.keys())
    score = dot / (na * nb)
    if a.numbers and b.numbers and a.numbers.isdisjoint(wb) and b.numbers.isdisjoint(wa):
        score *= NUMBER_CONFLICT
    return score


def _squared_idf(df: Counter[str], documents: int) -> dict[str, float]:
    """Shingle → squared IDF; built in C but for one value per frequency."""
    log_documents = math.log(documents)
    squares = [0.0] + [
        (log_documents - math.log(n)) ** 2 for n in range(1, max(df.values(), default=0) + 1)
    ]
    return dict(zip(df.keys(), map(squares.__getitem__, df.values()), strict=True))


_title_text = attrgetter("title_text")
_lead_text = attrgetter("lead_text")
_split = methodcaller("split")


def _known_order(known: tuple[Item, int]) -> tuple[float, int]:
    return known[0].time, known[0].id


def _order(item: Item) -> tuple[float, int]:
    return item.time, item.id


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
    old = sorted(known, key=_known_order)
    old_features = [item.features or features(item.title, item.lead) for item, _ in old]
    new_items = sorted(new, key=_order)
    new_features = [item.features or features(item.title, item.lead) for item in new_items]
    every = old_features + new_features
    # Document frequencies, counted in C, one article's shingles split at a
    # time: its title and lead shingles are disjoint, so it counts once each.
    df: Counter[str] = Counter(itertools.chain.from_iterable(map(_split, map(_title_text, every))))
    df.update(itertools.chain.from_iterable(map(_split, map(_lead_text, every))))
    total = len(every)
    documents = max(total, MIN_WINDOW) + 1  # a small window has ordinary articles too
    idf2 = _squared_idf(df, documents)
    cap = max(MIN_DF_CAP, MAX_DF_SHARE * total)
    index = _Index(rare={s for s, n in df.items() if 1 < n <= cap})
    index.add_known(old, old_features)
    result: dict[int, int] = {}
    get = idf2.__getitem__
    for item, f in zip(new_items, new_features, strict=True):
        title, lead = f.title_text.split(), f.lead_text.split()  # split once, used thrice
        norm = math.sqrt(TITLE_WEIGHT**2 * sum(map(get, title)) + sum(map(get, lead)))
        link = normalize_link(item.link) if item.link else ""
        cluster_id = _assign(item, f, title, lead, norm, link, index, idf2, window_s, threshold)
        result[item.id] = cluster_id
        index.add(item, f, cluster_id, norm, link, title)
    return result


_second = itemgetter(1)


def _assign(
    item: Item,
    f: Features,
    title: list[str],
    lead: list[str],
    norm: float,
    link: str,
    index: _Index,
    idf2: dict[str, float],
    window_s: float,
    threshold: float,
) -> int:
    """The cluster `item` joins: its own (its id) when nothing is similar enough.

    Candidates share a rare title shingle; they are ranked on those alone
    (a partial dot product, counting the `PER_SHINGLE` latest articles
    holding each), and the best `CANDIDATES` are then compared in full.
    """
    if link:
        for number in index.by_link.get(link, ()):
            if abs(index.items[number].time - item.time) <= window_s:
                return index.clusters[number]
    partial: defaultdict[int, float] = defaultdict(float)
    rare, postings = index.rare, index.postings
    for shingle in title:
        if shingle in rare and (found := postings.get(shingle)):
            weight = idf2[shingle]
            for number in found[-PER_SHINGLE:]:
                partial[number] += weight
    if not partial:
        return item.id
    items, norms, all_features = index.items, index.norms, index.features
    ranked = []
    # sorted(...)[:n] is what heapq.nlargest(n, ...) returns, ties included,
    # and cheaper for the few dozen articles found here
    candidates = (
        partial.items()
        if len(partial) <= 3 * CANDIDATES
        else sorted(partial.items(), key=_second, reverse=True)[: 3 * CANDIDATES]
    )
    for number, dot in candidates:
        other = items[number]
        if other.source != item.source and abs(other.time - item.time) <= window_s:
            if norms[number] < 0:
                norms[number] = _norm(all_features[number], idf2)
            ranked.append((dot / norms[number], number))
    best_score, best_cluster = 0.0, item.id
    if not ranked:
        return item.id
    weights = dict.fromkeys(lead, 1.0)  # f.weights, from the shingles at hand
    weights.update(dict.fromkeys(title, TITLE_WEIGHT))
    for _, number in sorted(ranked, reverse=True)[:CANDIDATES]:
        score = _similarity(weights, f, all_features[number], idf2, norm, norms[number])
        if score > best_score:
            best_score, best_cluster = score, index.clusters[number]
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
