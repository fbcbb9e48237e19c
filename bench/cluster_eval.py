"""Story clustering: quality on the labelled set, and speed at sync time.

    .venv/bin/python bench/cluster_eval.py                 # quality + speed
    .venv/bin/python bench/cluster_eval.py --errors        # list wrong pairs
    .venv/bin/python bench/cluster_eval.py --speed-only --new 10000

Quality: bench/data/cluster_eval.tsv holds hand-written headlines with leads
(story, lang, source, headline, lead, near_miss_of).  Rows of one story are
the same event told by different outlets; a `near_miss_of` story is the same
topic but another event (another quake, another central bank), and must not
join.  The rows are fed to `cluster.cluster` as new articles, one feed per
source name, in a shuffled order spread over 24 hours (several seeds: the
result depends on the order), and scored pairwise: precision = correct pairs
/ pairs put together, recall = correct pairs / pairs of the same story.

Speed: `stories.cluster_articles` on N new articles (default 10,000) in a
real cache, cold (empty cache) and warm (the same cache already holding
articles of the previous 48 hours), timed around the call and its commit
(which also writes the stories' hot rows).  The new articles arrive with
their clustering features, as the sync's parse workers hand them over
(`stories.prepare_entry`); the time to compute those is reported apart
(`features_in_parse_workers_s`).  The articles are headlines and leads
generated from the labelled set's vocabulary, so each shares words with
many others.

Results go to stdout and bench/out/cluster_eval.json.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from newsreader.core import cluster, stories  # noqa: E402
from newsreader.core.storage import Store  # noqa: E402
from newsreader.core.sync_types import ParsedEntry, ParsedFeed  # noqa: E402

DATA = ROOT / "bench" / "data" / "cluster_eval.tsv"
OUT = ROOT / "bench" / "out"


@dataclass(frozen=True, slots=True)
class Row:
    story: str
    lang: str
    source: str
    headline: str
    lead: str
    near_miss_of: str


def load(path: Path = DATA) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as f:
        return [Row(**r) for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]


def run(rows: list[Row], seed: int, *, leads: bool = True, **params: float) -> dict[int, int]:
    """Cluster ids by row number, the rows arriving in a shuffled order."""
    rng = random.Random(seed)
    sources = {name: n for n, name in enumerate(sorted({r.source for r in rows}))}
    times = sorted(rng.uniform(0, 24 * 3600) for _ in rows)
    order = list(range(len(rows)))
    rng.shuffle(order)
    items = [
        cluster.Item(
            id=number + 1,
            source=sources[rows[number].source],
            time=times[position],
            title=rows[number].headline,
            lead=rows[number].lead if leads else "",
        )
        for position, number in enumerate(order)
    ]
    found = cluster.cluster(items, **params)  # type: ignore[arg-type]
    return {item_id - 1: cid for item_id, cid in found.items()}


def pairs(labels: dict[int, str] | dict[int, int]) -> set[tuple[int, int]]:
    groups: dict[object, list[int]] = {}
    for number, label in labels.items():
        groups.setdefault(label, []).append(number)
    return {p for g in groups.values() for p in itertools.combinations(sorted(g), 2)}


def score(rows: list[Row], found: dict[int, int], lang: str = "") -> tuple[float, float, int, int]:
    """(precision, recall, predicted pairs, true pairs), over one language or all."""
    keep = [n for n, r in enumerate(rows) if not lang or r.lang == lang]
    truth = pairs({n: rows[n].story for n in keep})
    guess = pairs({n: found[n] for n in keep})
    hits = len(truth & guess)
    precision = hits / len(guess) if guess else 1.0
    recall = hits / len(truth) if truth else 1.0
    return precision, recall, len(guess), len(truth)


def quality(rows: list[Row], seeds: int, *, errors: bool, leads: bool = True) -> dict[str, object]:
    results: dict[str, list[tuple[float, float]]] = {"all": [], "en": [], "zh": []}
    for seed in range(seeds):
        found = run(rows, seed, leads=leads)
        for lang in results:
            p, r, _, _ = score(rows, found, "" if lang == "all" else lang)
            results[lang].append((p, r))
        if errors and seed == 0:
            truth = pairs({n: r.story for n, r in enumerate(rows)})
            guess = pairs(found)
            for a, b in sorted(guess - truth):
                print(f"  WRONG  {rows[a].headline}  ||  {rows[b].headline}")
            for a, b in sorted(truth - guess):
                print(f"  MISSED {rows[a].headline}  ||  {rows[b].headline}")
    summary: dict[str, object] = {}
    for lang, values in results.items():
        ps = [p for p, _ in values]
        rs = [r for _, r in values]
        summary[lang] = {
            "precision_mean": round(statistics.mean(ps), 4),
            "precision_min": round(min(ps), 4),
            "recall_mean": round(statistics.mean(rs), 4),
            "recall_min": round(min(rs), 4),
        }
    return summary


# -- speed ---------------------------------------------------------------------


def _entry(n: int, title: str, lead: str, when: float) -> ParsedEntry:
    return ParsedEntry(
        key=f"k{n}",
        title=title,
        link=f"http://example.test/{n}",
        author="",
        published=datetime.fromtimestamp(when, UTC),
        updated=None,
        summary_html="",
        content_html=f"<p>{lead}</p>",
        snippet=lead[:200],
        content_hash=str(n),
    )


def realistic_entries(count: int, rng: random.Random, start: float, span: float) -> list[tuple[int, ParsedEntry]]:  # fmt: skip
    """`count` (feed number, entry) pairs, half English and half Chinese,
    titles and leads from search_bench's Markov text; a fifth of them retell
    an earlier one (same title with a word changed, same first sentence),
    so stories of 2 to 6 reports form among mostly unique articles."""
    from search_bench import Articles, TextModel

    pools = Articles(TextModel.load(), seed=11, pool=max(count, 1000))
    entries: list[tuple[int, ParsedEntry]] = []
    for n in range(count):
        when = start + rng.uniform(0, span)
        if entries and rng.random() < 0.2:
            _, told = rng.choice(entries[-300:])
            words = told.title.split(" ")
            words[rng.randrange(len(words))] = rng.choice(["new", "says", "report", "最新", "消息"])
            title = " ".join(words)
            lead = told.snippet[:80] + rng.choice(pools.pools["en"])[:120]
        else:
            lang = "zh" if n % 2 else "en"
            title = rng.choice(pools.titles[lang]).strip(" .,;:。，")
            lead = rng.choice(pools.pools[lang])
        entries.append((rng.randrange(200), _entry(n, title, lead, when)))
    return entries


def dense_entries(rows: list[Row], count: int, rng: random.Random, start: float, span: float) -> list[tuple[int, ParsedEntry]]:  # fmt: skip
    """A worst case: word salad from the labelled set's small vocabulary, so
    every article shares rare-looking words with hundreds of others."""
    words_by_lang: dict[str, list[str]] = {"en": [], "zh": []}
    for r in rows:
        text = r.headline + " " + r.lead
        if r.lang == "en":
            words_by_lang["en"] += re.findall(r"[\w'$%.,-]+", text)
        else:  # pieces of 2 to 4 characters
            for run in re.findall(r"\w+", text):
                words_by_lang["zh"] += [
                    run[i : i + rng.randint(2, 4)] for i in range(0, len(run), 3)
                ]
    entries = []
    for n in range(count):
        row = rng.choice(rows)
        words = words_by_lang[row.lang]
        joiner = " " if row.lang == "en" else ""
        title = joiner.join(rng.choice(words) for _ in range(rng.randint(3, 6)))
        if rng.random() < 0.3:
            title = row.headline + joiner + rng.choice(words)
        lead = joiner.join(rng.choice(words) for _ in range(rng.randint(15, 30)))
        entries.append((rng.randrange(200), _entry(n, title, lead, start + rng.uniform(0, span))))
    return entries


def with_features(entries: list[tuple[int, ParsedEntry]]) -> tuple[list[tuple[int, ParsedEntry]], float]:  # fmt: skip
    """The entries with their clustering features, as the sync's parse
    workers hand them over (`stories.prepare_entry`); and the seconds that took."""
    started = time.perf_counter()
    done = [
        (
            feed_no,
            replace(
                e, cluster_features=cluster.encode_features(cluster.features(e.title, e.snippet))
            ),
        )
        for feed_no, e in entries
    ]
    return done, time.perf_counter() - started


def _fill(store: Store, entries: list[tuple[int, ParsedEntry]], feed_ids: list[int]) -> list[int]:
    by_feed: dict[int, list[ParsedEntry]] = {}
    for feed_no, entry in entries:
        by_feed.setdefault(feed_no, []).append(entry)
    new_ids: list[int] = []
    for feed_no, feed_entries in by_feed.items():
        parsed = ParsedFeed(title="", link="", entries=tuple(feed_entries), kind="rss20")
        new_ids += store.apply_parsed(feed_ids[feed_no], parsed, body_hash="", next_check=0).new_ids
    return new_ids


def open_store(path: Path) -> Store:
    return Store(path)


def speed(rows: list[Row], new: int) -> dict[str, object]:
    """Seconds `cluster_articles` takes (around the call and its commit):

    * cold: `new` articles into an empty cache;
    * warm: `new` articles into a cache already holding `new` clustered
      articles of the 48 hours before (the window);
    * routine: 500 new articles into that same kind of cache;

    on realistic text, and on the dense case."""
    now = time.time()
    results: dict[str, object] = {"new_articles": new}
    cases = (("cold", 0, new), ("warm", new, new), ("routine", new, 500))
    with tempfile.TemporaryDirectory() as tmp:
        for text in ("realistic", "dense"):
            for label, old, count in cases:
                rng = random.Random(7)

                def make(
                    n: int, start: float, t: str = text, r: random.Random = rng
                ) -> list[tuple[int, ParsedEntry]]:
                    if t == "dense":
                        return dense_entries(rows, n, r, start, 2 * 86400)
                    return realistic_entries(n, r, start, 2 * 86400)

                store = open_store(Path(tmp) / f"{text}-{label}.sqlite3")
                feed_ids = [store.add_feed(f"http://example.test/{n}") for n in range(200)]
                if old:
                    old_ids = _fill(store, make(old, now - 4 * 86400), feed_ids)
                    with store.write() as conn:
                        stories.cluster_articles(conn, old_ids)
                entries, features_s = with_features(make(count, now - 2 * 86400))
                new_ids = _fill(store, entries, feed_ids)
                started = time.perf_counter()
                with store.write() as conn:
                    found = stories.cluster_articles(conn, new_ids)
                seconds = time.perf_counter() - started
                store.close()
                sizes = Counter(found.values())
                results[f"{text} {label}"] = {
                    "seconds": round(seconds, 3),
                    "features_in_parse_workers_s": round(features_s, 3),
                    "new": len(new_ids),
                    "already_clustered": old,
                    "stories_of_new": len(sizes),
                    "new_in_stories_of_2_or_more": sum(n for n in sizes.values() if n > 1),
                }
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5, help="arrival orders to try")
    parser.add_argument("--errors", action="store_true", help="list wrong and missed pairs")
    parser.add_argument("--new", type=int, default=10_000, help="new articles for the speed test")
    parser.add_argument("--speed-only", action="store_true")
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args()
    rows = load()
    stories_n = len({r.story for r in rows})
    report: dict[str, object] = {
        "headlines": len(rows),
        "stories": stories_n,
        "true_pairs": len(pairs({n: r.story for n, r in enumerate(rows)})),
    }
    if not args.speed_only:
        report["quality"] = quality(rows, args.seeds, errors=args.errors)
        report["quality_headlines_only"] = quality(rows, args.seeds, errors=False, leads=False)
        print(f"{len(rows)} headlines, {stories_n} stories, {report['true_pairs']} true pairs")
        for key in ("quality", "quality_headlines_only"):
            print(key)
            for lang, q in report[key].items():  # type: ignore[attr-defined]
                print(
                    f"  {lang:>3}: precision {q['precision_mean']:.3f} (min {q['precision_min']:.3f})"
                    f"  recall {q['recall_mean']:.3f} (min {q['recall_min']:.3f})"
                )
    if not args.no_speed:
        report["speed"] = speed(rows, args.new)
        for key, value in report["speed"].items():  # type: ignore[attr-defined]
            print(f"speed {key}: {value}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "cluster_eval.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
