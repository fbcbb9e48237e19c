"""Sync benchmark (not a test): Newsreader vs reader vs Newsboat on the farm.

    .venv/bin/python bench/sync_bench.py [--runs 5] [--tools newsreader,reader,...]
    .venv/bin/python bench/sync_bench.py --profile      # where Newsreader's time goes
    .venv/bin/python bench/sync_bench.py --setup        # install reader and Newsboat first

The farm (bench/farm.py: 200 feeds, 10,000 entries, ~54 MB of HTML, ETag +
gzip) is served by a thread of this process.  Every tool runs as its own
process; its wall time is measured from spawn to exit, and the RSS of its
whole process tree (VmRSS of the process and all its descendants, summed) is
sampled every 20 ms.  Runs are interleaved (run 1 of every tool, then run 2,
...) so drift hits all tools alike; medians are reported.

* Newsreader: fresh --data-dir, `newsreader import farm.opml` (not timed),
  `newsreader sync` cold, then again on the same dir (warm: every answer
  must be a 304 and the articles table must not change).
* reader (lemon24), in its own venv (/tmp/bench-reader): make_reader +
  add_feed per URL (not timed), `update_feeds()` cold in a new process, then
  `update_feeds(scheduled=False)` warm in another.
* Newsboat: `newsboat -C config -u urls -c cache.db -x reload` with an empty
  config.  It sends If-None-Match only from its third run (the first run does
  not store ETags), so its warm figure is the third run; the second is kept
  in the JSON as `second_s`.
* feedparser alone: feedparser.parse() with default settings on the 200
  documents in one process (the parse loop is timed; the process wall time
  is in the JSON too).

Results: a table on stdout, JSON in bench/out/sync.json.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT / "bench"))

import farm as farm_module  # noqa: E402

READER_VENV = Path("/tmp/bench-reader")
READER_PYTHON = READER_VENV / "bin" / "python"
TOOLS = ("newsreader", "reader", "newsboat", "feedparser")
SAMPLE_S = 0.02
RUN_TIMEOUT_S = 600

TARGETS = {
    "cold_vs_newsboat": 1.0,
    "cold_vs_reader": 0.3,
    "warm_vs_reader": 0.5,
    "peak_rss_mb": 120.0,
}

# -- process-tree measurement -----------------------------------------------------


def _children(pid: int) -> list[int]:
    """Direct children of `pid` (every thread's children file)."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", "rb") as f:
                found.extend(int(x) for x in f.read().split())
        except OSError:
            continue
    return found


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0  # gone, or a zombie


class TreeSampler(threading.Thread):
    """Samples the summed VmRSS of a process tree every SAMPLE_S seconds."""

    def __init__(self, pid: int) -> None:
        super().__init__(name=f"rss-{pid}", daemon=True)
        self.pid = pid
        self.peak_tree_kb = 0
        self.peak_main_kb = 0
        self.most_processes = 0
        self._stop_event = threading.Event()

    def sample(self) -> None:
        pids = [self.pid]
        index = 0
        while index < len(pids):
            pids.extend(_children(pids[index]))
            index += 1
        sizes = [_rss_kb(p) for p in pids]
        self.peak_main_kb = max(self.peak_main_kb, sizes[0])
        self.peak_tree_kb = max(self.peak_tree_kb, sum(sizes))
        self.most_processes = max(self.most_processes, sum(1 for s in sizes if s))

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(SAMPLE_S)

    def finish(self) -> None:
        self._stop_event.set()
        self.join()


@dataclass
class Timed:
    """One measured process."""

    seconds: float
    returncode: int
    stdout: str
    stderr: str
    tree_mb: float
    main_mb: float
    processes: int
    statuses: dict[int, int] = field(default_factory=dict)

    def check(self, what: str) -> Timed:
        if self.returncode != 0:
            raise RuntimeError(
                f"{what} exited with {self.returncode}:\n{self.stderr[-2000:]}{self.stdout[-500:]}"
            )
        return self


def run_measured(
    cmd: Sequence[str | os.PathLike[str]],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    farm: farm_module.Farm | None = None,
) -> Timed:
    """Run `cmd` to completion: wall time, peak tree/main RSS, server statuses."""
    if farm is not None:
        farm.server.clear_log()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(c) for c in cmd],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
    )
    sampler = TreeSampler(proc.pid)
    sampler.sample()
    sampler.start()
    try:
        out, err = proc.communicate(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    elapsed = time.perf_counter() - started
    sampler.finish()
    return Timed(
        seconds=elapsed,
        returncode=proc.returncode,
        stdout=out,
        stderr=err,
        tree_mb=sampler.peak_tree_kb / 1024,
        main_mb=sampler.peak_main_kb / 1024,
        processes=sampler.most_processes,
        statuses=farm.statuses() if farm is not None else {},
    )


def quiet(cmd: Sequence[str | os.PathLike[str]], **kwargs: Any) -> str:
    """Run an untimed helper command; raise with its output when it fails."""
    done = subprocess.run(
        [str(c) for c in cmd],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=RUN_TIMEOUT_S,
        check=False,
        **kwargs,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return done.stdout


# -- the tools ----------------------------------------------------------------------


def newsreader_cmd() -> list[str]:
    script = Path(sys.executable).with_name("newsreader")
    return [str(script)] if script.exists() else [sys.executable, "-m", "newsreader"]


def articles_digest(db: Path) -> tuple[int, str]:
    """(row count, digest of every row's identity and content hash)."""
    conn = sqlite3.connect(db)
    try:
        digest = hashlib.blake2b(digest_size=16)
        count = 0
        rows = conn.execute(
            "SELECT id, feed_id, key, content_hash, title, length(content_html) "
            "FROM articles ORDER BY id"
        )
        for row in rows:
            digest.update(repr(row).encode())
            count += 1
        return count, digest.hexdigest()
    finally:
        conn.close()


_NR_SUMMARY = re.compile(r"(\d+) new articles, (\d+) unchanged, (\d+) failed \(([\d.]+) s\)")


def run_newsreader(
    farm: farm_module.Farm, work: Path, settings: dict[str, Any] | None
) -> dict[str, Any]:
    data = work / "newsreader"
    data.mkdir()
    if settings:
        (data / "settings.json").write_text(json.dumps(settings))
    cmd = newsreader_cmd()
    quiet([*cmd, "import", farm.opml_path, "--data-dir", data])
    db = data / "newsreader.sqlite3"
    cold = run_measured([*cmd, "sync", "--data-dir", data], farm=farm).check("newsreader sync")
    rows, digest = articles_digest(db)
    warm = run_measured([*cmd, "sync", "--data-dir", data], farm=farm).check("newsreader sync")
    rows_after, digest_after = articles_digest(db)

    def inner(t: Timed) -> float | None:
        match = _NR_SUMMARY.search(t.stderr)
        return float(match.group(4)) if match else None

    return {
        "cold": cold,
        "warm": warm,
        "entries": rows,
        "warm_all_304": warm.statuses == {304: len(farm.urls)},
        "warm_rows_unchanged": (rows, digest) == (rows_after, digest_after),
        "cold_in_process_s": inner(cold),
        "warm_in_process_s": inner(warm),
    }


READER_SETUP = """
import sys
from reader import make_reader
reader = make_reader(sys.argv[1])
with open(sys.argv[2], encoding="utf-8") as f:
    for url in f.read().split():
        reader.add_feed(url)
reader.close()
"""

READER_UPDATE = """
import sys
from reader import make_reader
reader = make_reader(sys.argv[1])
if sys.argv[2] == "cold":
    reader.update_feeds()
else:
    reader.update_feeds(scheduled=False)
reader.close()
"""

READER_CHECK = """
import json, sys
from reader import make_reader
reader = make_reader(sys.argv[1])
broken = sum(1 for feed in reader.get_feeds() if feed.last_exception)
print(json.dumps({"entries": reader.get_entry_counts().total, "broken": broken}))
reader.close()
"""


def run_reader(farm: farm_module.Farm, work: Path) -> dict[str, Any]:
    db = work / "reader.sqlite"
    quiet([READER_PYTHON, "-c", READER_SETUP, db, farm.urls_path])
    cold = run_measured([READER_PYTHON, "-c", READER_UPDATE, db, "cold"], farm=farm)
    cold.check("reader update_feeds()")
    after_cold = json.loads(quiet([READER_PYTHON, "-c", READER_CHECK, db]))
    warm = run_measured([READER_PYTHON, "-c", READER_UPDATE, db, "warm"], farm=farm)
    warm.check("reader update_feeds(scheduled=False)")
    return {
        "cold": cold,
        "warm": warm,
        "entries": after_cold["entries"],
        "broken_feeds": after_cold["broken"],
    }


def run_newsboat(farm: farm_module.Farm, work: Path) -> dict[str, Any]:
    home = work / "newsboat"
    home.mkdir()
    (home / "config").write_text("")
    urls = home / "urls"
    shutil.copy(farm.urls_path, urls)
    env = {**os.environ, "HOME": str(home), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    env.pop("XDG_CONFIG_HOME", None)
    env.pop("XDG_DATA_HOME", None)
    cmd = ["newsboat", "-C", home / "config", "-u", urls, "-c", home / "cache.db", "-x", "reload"]
    cold = run_measured(cmd, cwd=home, env=env, farm=farm).check("newsboat")
    conn = sqlite3.connect(home / "cache.db")
    try:
        entries = conn.execute("SELECT count(*) FROM rss_item").fetchone()[0]
    finally:
        conn.close()
    second = run_measured(cmd, cwd=home, env=env, farm=farm).check("newsboat (2nd run)")
    warm = run_measured(cmd, cwd=home, env=env, farm=farm).check("newsboat (3rd run)")
    return {"cold": cold, "second": second, "warm": warm, "entries": entries}


FEEDPARSER_SCRIPT = """
import json, sys, time
from pathlib import Path
import feedparser
docs = [p.read_bytes() for p in sorted(Path(sys.argv[1]).glob("*.xml"))]
started = time.perf_counter()
entries = bozo = 0
for doc in docs:
    result = feedparser.parse(doc)
    entries += len(result.entries)
    bozo += bool(result.bozo)
print(json.dumps({"parse_s": time.perf_counter() - started, "entries": entries,
                  "bozo": bozo, "version": feedparser.__version__}))
"""


def run_feedparser(bodies: Path) -> dict[str, Any]:
    timed = run_measured([sys.executable, "-c", FEEDPARSER_SCRIPT, bodies])
    timed.check("feedparser")
    info = json.loads(timed.stdout)
    return {"process": timed, "parse_s": info["parse_s"], "entries": info["entries"], **info}


# -- versions and setup ----------------------------------------------------------------


def versions() -> dict[str, str]:
    found: dict[str, str] = {}
    from newsreader import __version__

    found["newsreader"] = __version__
    if READER_PYTHON.exists():
        with contextlib.suppress(RuntimeError, OSError):
            found["reader"] = quiet(
                [READER_PYTHON, "-c", "import reader, feedparser;"
                 "print(reader.__version__, feedparser.__version__)"]
            ).strip()  # fmt: skip
    if shutil.which("newsboat"):
        with contextlib.suppress(RuntimeError, OSError):
            found["newsboat"] = quiet(["newsboat", "--version"]).split("\n")[0].split(" - ")[0]
    import feedparser

    found["feedparser"] = feedparser.__version__
    return found


def setup_tools() -> None:
    if not READER_PYTHON.exists():
        subprocess.run(["python3", "-m", "venv", READER_VENV], check=True)
        subprocess.run(
            [READER_VENV / "bin" / "pip", "install", "-q", "reader", "sgmllib3k"], check=True
        )
    if not shutil.which("newsboat"):
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "newsboat"], check=True)


def available(tools: Sequence[str]) -> list[str]:
    ok = []
    for tool in tools:
        if tool == "reader" and not READER_PYTHON.exists():
            print(f"skipping reader: no {READER_PYTHON} (run with --setup)", file=sys.stderr)
        elif tool == "newsboat" and not shutil.which("newsboat"):
            print("skipping newsboat: not installed (run with --setup)", file=sys.stderr)
        else:
            ok.append(tool)
    return ok


# -- the report -------------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def summarize(tool: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians (and every run) of one tool's results."""
    if tool == "feedparser":
        procs: list[Timed] = [r["process"] for r in runs]
        return {
            "cold_s": median([r["parse_s"] for r in runs]),
            "process_s": median([p.seconds for p in procs]),
            "cold_runs": [r["parse_s"] for r in runs],
            "peak_tree_mb": median([p.tree_mb for p in procs]),
            "peak_main_mb": median([p.main_mb for p in procs]),
            "entries": runs[-1]["entries"],
            "bozo_feeds": runs[-1]["bozo"],
        }
    cold: list[Timed] = [r["cold"] for r in runs]
    warm: list[Timed] = [r["warm"] for r in runs]
    summary: dict[str, Any] = {
        "cold_s": median([t.seconds for t in cold]),
        "warm_s": median([t.seconds for t in warm]),
        "cold_runs": [round(t.seconds, 3) for t in cold],
        "warm_runs": [round(t.seconds, 3) for t in warm],
        "peak_tree_mb": median([max(c.tree_mb, w.tree_mb) for c, w in zip(cold, warm)]),
        "peak_main_mb": median([max(c.main_mb, w.main_mb) for c, w in zip(cold, warm)]),
        "processes": max(t.processes for t in cold),
        "cold_statuses": _merge_statuses(cold),
        "warm_statuses": _merge_statuses(warm),
        "entries": [r["entries"] for r in runs],
    }
    if tool == "newsreader":
        summary["warm_all_304"] = all(r["warm_all_304"] for r in runs)
        summary["warm_rows_unchanged"] = all(r["warm_rows_unchanged"] for r in runs)
        summary["cold_in_process_s"] = median([r["cold_in_process_s"] or 0.0 for r in runs])
        summary["warm_in_process_s"] = median([r["warm_in_process_s"] or 0.0 for r in runs])
    if tool == "reader":
        summary["broken_feeds"] = max(r["broken_feeds"] for r in runs)
    if tool == "newsboat":
        second: list[Timed] = [r["second"] for r in runs]
        summary["second_s"] = median([t.seconds for t in second])
        summary["second_runs"] = [round(t.seconds, 3) for t in second]
        summary["second_statuses"] = _merge_statuses(second)
        summary["warm_is_run"] = 3
    return summary


def _merge_statuses(timed: list[Timed]) -> dict[str, int]:
    """Statuses of the last run (they are the same in every run)."""
    return {str(k): v for k, v in sorted(timed[-1].statuses.items())}


def ratios(results: dict[str, dict[str, Any]]) -> dict[str, float]:
    out: dict[str, float] = {}
    ours = results.get("newsreader")
    if ours is None:
        return out
    for other in ("newsboat", "reader"):
        theirs = results.get(other)
        if theirs is None:
            continue
        out[f"cold_vs_{other}"] = ours["cold_s"] / theirs["cold_s"]
        out[f"warm_vs_{other}"] = ours["warm_s"] / theirs["warm_s"]
    return out


def table(results: dict[str, dict[str, Any]], names: dict[str, str]) -> str:
    lines = [
        f"{'tool':<24} {'cold s':>8} {'warm s':>8} {'peak RSS MB':>12} {'main MB':>8}  entries",
        "-" * 76,
    ]
    for tool, r in results.items():
        warm = f"{r['warm_s']:8.2f}" if "warm_s" in r else f"{'-':>8}"
        entries = r["entries"] if isinstance(r["entries"], int) else min(r["entries"])
        lines.append(
            f"{names[tool]:<24} {r['cold_s']:8.2f} {warm} {r['peak_tree_mb']:12.0f}"
            f" {r['peak_main_mb']:8.0f}  {entries}"
        )
    return "\n".join(lines)


def verdicts(results: dict[str, dict[str, Any]], rat: dict[str, float]) -> list[str]:
    lines = []
    for key in ("cold_vs_newsboat", "warm_vs_newsboat", "cold_vs_reader", "warm_vs_reader"):
        if key in rat:
            target = TARGETS.get(key)
            mark = "" if target is None else (" ok" if rat[key] <= target else " MISSED")
            goal = "" if target is None else f" (target <= {target:g}x){mark}"
            lines.append(
                f"Newsreader/{key.split('_vs_')[1]} {key.split('_')[0]}: {rat[key]:.2f}x{goal}"
            )
    ours = results.get("newsreader")
    if ours is not None:
        peak = ours["peak_tree_mb"]
        mark = "ok" if peak <= TARGETS["peak_rss_mb"] else "MISSED"
        lines.append(
            f"Newsreader peak RSS: {peak:.0f} MB for the process tree "
            f"({ours['processes']} processes), {ours['peak_main_mb']:.0f} MB main process "
            f"(target <= {TARGETS['peak_rss_mb']:g} MB) {mark}"
        )
        lines.append(
            f"Newsreader warm: all answers 304: {ours['warm_all_304']}; "
            f"articles unchanged: {ours['warm_rows_unchanged']}"
        )
        lines.append(
            f"Newsreader sync's own clock: cold {ours['cold_in_process_s']:.2f} s, "
            f"warm {ours['warm_in_process_s']:.2f} s (the rest is process start-up and exit)"
        )
    if "newsboat" in results:
        nb = results["newsboat"]
        lines.append(
            f"Newsboat warm is its 3rd run (statuses {nb['warm_statuses']}); its 2nd run "
            f"took {nb['second_s']:.2f} s (statuses {nb['second_statuses']})"
        )
    if "reader" in results:
        lines.append(f"reader warm statuses: {results['reader']['warm_statuses']}")
    if "feedparser" in results:
        fp = results["feedparser"]
        lines.append(
            f"feedparser alone: parse loop {fp['cold_s']:.2f} s, whole process "
            f"{fp['process_s']:.2f} s, {fp['entries']} entries"
        )
    return lines


# -- main ---------------------------------------------------------------------------------


def bench(args: argparse.Namespace) -> None:
    tools = available([t.strip() for t in args.tools.split(",") if t.strip()])
    settings = json.loads(args.newsreader_settings) if args.newsreader_settings else None
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    names = {
        "newsreader": "Newsreader",
        "reader": "reader",
        "newsboat": "Newsboat",
        "feedparser": "feedparser alone",
    }
    found = versions()
    for tool, version in found.items():
        names[tool] = f"{names[tool]} {version.split()[0]}"
    raw: dict[str, list[dict[str, Any]]] = {t: [] for t in tools}
    runners: dict[str, Callable[[farm_module.Farm, Path], dict[str, Any]]] = {
        "newsreader": lambda f, w: run_newsreader(f, w, settings),
        "reader": run_reader,
        "newsboat": run_newsboat,
        "feedparser": lambda f, w: run_feedparser(w.parent / "bodies"),
    }
    with farm_module.Farm() as farm, tempfile.TemporaryDirectory(prefix="sync-bench-") as tmp:
        built = time.perf_counter() - started
        stats = farm.stats
        print(
            f"farm: {stats['feeds']} feeds, {stats['entries']} entries, "
            f"{stats['html_bytes'] / 1e6:.1f} MB HTML ({built:.1f} s to build); "
            f"{args.runs} runs of {', '.join(tools)}",
            flush=True,
        )
        farm.write_bodies(Path(tmp) / "bodies")
        for n in range(args.runs):
            for tool in tools:
                work = Path(tmp) / f"{tool}-{n}"
                work.mkdir()
                result = runners[tool](farm, work)
                raw[tool].append(result)
                shutil.rmtree(work, ignore_errors=True)
                brief = {k: round(v.seconds, 2) for k, v in result.items() if isinstance(v, Timed)}
                print(f"  run {n + 1}: {tool} {brief}", flush=True)
        if farm.server.errors:
            raise RuntimeError(f"the farm server failed: {farm.server.errors[:3]}")
    results = {tool: summarize(tool, runs) for tool, runs in raw.items() if runs}
    rat = ratios(results)
    elapsed = time.perf_counter() - started
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "farm": stats,
        "runs": args.runs,
        "newsreader_settings": settings or {},
        "versions": found,
        "results": results,
        "ratios": rat,
        "targets": TARGETS,
        "bench_seconds": elapsed,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print()
    print(table(results, names))
    print()
    for line in verdicts(results, rat):
        print(line)
    print(f"\n{args.runs} runs in {elapsed:.0f} s; JSON in {out}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Sync benchmark: Newsreader vs reader vs Newsboat on the 200-feed farm."
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per tool (default 5)")
    parser.add_argument(
        "--tools", default=",".join(TOOLS), help=f"comma-separated subset of {','.join(TOOLS)}"
    )
    parser.add_argument(
        "--newsreader-settings",
        metavar="JSON",
        help="settings.json for Newsreader's data dir, e.g. '{\"per_host_connections\": 8}'",
    )
    parser.add_argument("--out", default=str(OUT / "sync.json"), help="where to write the JSON")
    parser.add_argument("--setup", action="store_true", help="install reader and Newsboat first")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="instead of comparing: where Newsreader's cold sync time goes",
    )
    parser.add_argument("--profile-child", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        setup_tools()
    if args.profile_child:
        profile_child(Path(args.profile_child))
    elif args.profile:
        profile(args)
    else:
        bench(args)


if __name__ == "__main__":
    main()
