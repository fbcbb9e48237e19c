from __future__ import annotations

import csv
import itertools
import random
from pathlib import Path

import pytest

from newsreader.core.cluster import (
    Item,
    cluster,
    decode_features,
    encode_features,
    features,
    hotness,
    normalize_link,
    shingles,
    similarity,
)

EVAL_SET = Path(__file__).parents[2] / "bench" / "data" / "cluster_eval.tsv"
HOUR = 3600.0


def item(id: int, title: str, *, source: int | None = None, hours: float = 0, lead: str = "", link: str = "") -> Item:  # fmt: skip
    return Item(id, id if source is None else source, hours * HOUR, title, lead, link)


# -- features --------------------------------------------------------------------


def test_shingles() -> None:
    assert shingles("The Fed holds rates") == {"fed", "holds", "rates"}
    assert shingles("Explosion; explodes, exploded") == {"explo"}
    assert shingles("网络安全法") == {"网络", "络安", "安全", "全法"}
    assert shingles("北京的天气") == {"北京", "天气"}  # no pair with the glue character 的
    assert shingles("14,000 jobs, 6.8 quake, 2025") == {"14000", "jobs", "6.8", "quake", "2025"}


def test_numbers_that_name_an_event() -> None:
    assert features("神舟二十一号发射").numbers == {"21"}
    assert features("中国女排3:0击败日本队").numbers == {"3:0"}
    assert features("男排半决赛：中国1-3日本").numbers == {"1:3"}
    assert features("华为Pura80发布").numbers == {"pura80"}
    assert features("OpenAI launches GPT-5").numbers == {"gpt5"}
    assert features("10月销量 in 2025").numbers == set()  # dates and years name no event


def test_title_shingles_weigh_more() -> None:
    f = features("Hokkaido quake", "A tsunami advisory")
    assert f.weights["hokka"] > f.weights["tsuna"]


def test_different_numbers_lower_the_similarity() -> None:
    idf = dict.fromkeys(["6.8", "5.9", "quake", "japan", "strik"], 1.0)
    same = similarity(features("6.8 quake strikes Japan"), features("Japan quake: 6.8"), idf)
    other = similarity(features("6.8 quake strikes Japan"), features("5.9 quake strikes Japan"), idf)  # fmt: skip
    assert same > 0.8
    assert other < 0.5


def test_normalize_link() -> None:
    assert (
        normalize_link("https://Example.COM/a/?utm_source=x&id=3#top")
        == "http://example.com/a?id=3"
    )
    assert normalize_link("http://example.com/a") == normalize_link("https://example.com/a/")
    assert normalize_link("  ") == ""


# -- clustering ------------------------------------------------------------------


def test_near_duplicates_from_other_feeds_cluster() -> None:
    found = cluster(
        [
            item(1, "Magnitude 6.8 earthquake strikes off Hokkaido", source=1),
            item(2, "Strong 6.8 earthquake strikes off Hokkaido, Japan", source=2, hours=1),
            item(3, "Apple unveils a new iPhone", source=3, hours=2),
        ]
    )
    assert found == {1: 1, 2: 1, 3: 3}


def test_same_feed_does_not_cluster_by_text() -> None:
    found = cluster(
        [
            item(1, "Morning briefing: markets open higher", source=1),
            item(2, "Morning briefing: markets open higher", source=1, hours=1),
        ]
    )
    assert found == {1: 1, 2: 2}


def test_identical_links_always_cluster() -> None:
    found = cluster(
        [
            item(1, "One title", source=1, link="https://example.com/story?utm_medium=rss"),
            item(2, "Something else entirely", source=1, hours=1, link="http://example.com/story"),
        ]
    )
    assert found == {1: 1, 2: 1}


def test_window_bounds_clustering() -> None:
    title = "Magnitude 6.8 earthquake strikes off Hokkaido"
    found = cluster(
        [item(1, title, source=1), item(2, title, source=2, hours=30)], window_s=24 * HOUR
    )
    assert found == {1: 1, 2: 2}


def test_new_items_join_known_clusters() -> None:
    known = [(item(10, "Typhoon Kalmaegi kills dozens in Philippines", source=1), 7)]
    found = cluster(
        [item(11, "Typhoon Kalmaegi death toll rises in Philippines", source=2, hours=1)], known
    )
    assert found == {11: 7}


def test_chinese_near_duplicates() -> None:
    found = cluster(
        [
            item(1, "台风“桦加沙”在广东阳江沿海登陆", source=1),
            item(2, "超强台风桦加沙登陆广东阳江", source=2, hours=1),
            item(3, "央行宣布下调存款准备金率0.5个百分点", source=3, hours=2),
        ]
    )
    assert found[2] == 1
    assert found[3] == 3


# -- the labelled evaluation set ---------------------------------------------------


def _pairs(labels: dict[int, object]) -> set[tuple[int, int]]:
    groups: dict[object, list[int]] = {}
    for number, label in labels.items():
        groups.setdefault(label, []).append(number)
    return {p for g in groups.values() for p in itertools.combinations(sorted(g), 2)}


def test_evaluation_set_precision_and_recall() -> None:
    """bench/data/cluster_eval.tsv (bench/cluster_eval.py reports the full
    figures); the floor is below the targets (precision 0.95, recall 0.8)."""
    with EVAL_SET.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert len(rows) >= 150
    assert len({r["story"] for r in rows}) >= 40
    sources = {name: n for n, name in enumerate(sorted({r["source"] for r in rows}))}
    truth = _pairs({n: r["story"] for n, r in enumerate(rows)})
    precisions, recalls = [], []
    for seed in range(3):
        rng = random.Random(seed)
        order = list(range(len(rows)))
        rng.shuffle(order)
        items = [
            Item(
                n + 1,
                sources[rows[n]["source"]],
                position * 300.0,
                rows[n]["headline"],
                rows[n]["lead"],
            )
            for position, n in enumerate(order)
        ]
        found = cluster(items)
        guess = _pairs({n - 1: c for n, c in found.items()})
        precisions.append(len(truth & guess) / len(guess))
        recalls.append(len(truth & guess) / len(truth))
    assert sum(precisions) / 3 >= 0.9
    assert sum(recalls) / 3 >= 0.75


# -- hotness ---------------------------------------------------------------------


def test_hotness() -> None:
    assert hotness(2, 0, 12) == pytest.approx(2)
    assert hotness(2, 12, 12) == pytest.approx(1)
    assert hotness(4, 12, 12) == pytest.approx(hotness(2, 0, 12))
    assert hotness(3, 5, 12) > hotness(2, 5, 12)
    assert hotness(2, 5, 12, weight=2) == pytest.approx(2 * hotness(2, 5, 12))
    assert hotness(0, 0, 12) == 0
    assert hotness(1, -3, 12) == pytest.approx(1)  # a date from the future counts as now


def test_features_survive_encoding() -> None:
    f = features("Magnitude 6.8 earthquake strikes off Hokkaido", "A tsunami advisory was issued")
    back = decode_features(encode_features(f))
    assert back == f
    assert back is not None and back.weights == f.weights
    assert back.weights["hokka"] == 2.0 and back.weights["tsuna"] == 1.0
    assert back.numbers == {"6.8"}
    assert decode_features("one field only") is None
