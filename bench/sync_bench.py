"""Sync benchmark (not a test): Newsreader vs reader vs Newsboat on the farm.

    .venv/bin/python bench/sync_bench.py [--runs 5] [--tools newsreader,reader,...]
    .venv/bin/python bench/sync_bench.py --setup        # install reader and Newsboat first
    .venv/bin/python bench/sync_bench.py --profile      # where Newsreader's cold time goes
    .venv/bin/python bench/sync_bench.py --nagle        # FeedServer without TCP_NODELAY

The farm (bench/farm.py: 200 feeds, 10,000 entries, ~54 MB of HTML, ETag +
gzip, TCP_NODELAY) is served by a thread of this process.  Every tool runs as
its own process; its wall time is measured from spawn to exit, its CPU time
(user + system, children included) from rusage, and the RSS of its whole
process tree (VmRSS of the process and all its descendants, summed; PSS too)
is sampled every 20 ms.  Runs are interleaved (run 1 of every tool, then run
2, ...) so drift hits all tools alike; medians are reported.  Before each
run the bench waits for the machine to be quiet, and a run during which
other processes used more than 0.15 of a core is done again (3 tries).

* Newsreader: fresh --data-dir, `newsreader import farm.opml` (not timed),
  `newsreader sync` cold, then again on the same dir (warm: every answer
  must be a 304 and the articles table must not change).
  `--newsreader-settings JSON` writes a settings.json into the data dir
  first (e.g. per_host_connections), to try levers without code changes.
* reader (lemon24), in its own venv (/tmp/bench-reader): make_reader +
  add_feed per URL (not timed), `update_feeds()` cold in a new process, then
  `update_feeds(scheduled=False)` warm in another.
* Newsboat: `newsboat -C config -u urls -c cache.db -x reload` with an empty
  config, HOME in a temp dir.  It stores ETags only from its second run on,
  so its warm figure is the third run; the second is kept in the JSON as
  `second_s`.
* feedparser alone: feedparser.parse() with default settings on the 200
  documents in one process (the parse loop is timed; the process wall time
  is in the JSON too).

Results: a table on stdout, JSON in bench/out/sync.json (see bench/README.md).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import re
import resource
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
DISTURBED_CORES = 0.15  # a run during which others used more than this is redone
ATTEMPTS = 3
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


def _pss_kb(pid: int) -> int:
    """Proportional set size: shared pages split between the processes sharing them."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeSampler(threading.Thread):
    """Samples the summed VmRSS of a process tree every SAMPLE_S seconds
    (and its summed PSS every fifth sample: smaps_rollup costs more)."""

    def __init__(self, pid: int) -> None:
        super().__init__(name=f"rss-{pid}", daemon=True)
        self.pid = pid
        self.peak_tree_kb = 0
        self.peak_main_kb = 0
        self.most_processes = 0
        self.peak_pss_kb = 0
        self._samples = 0
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
        if self._samples % 5 == 0:
            self.peak_pss_kb = max(self.peak_pss_kb, sum(_pss_kb(p) for p in pids))
        self._samples += 1

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
    pss_mb: float
    processes: int
    cpu_s: float  # user + system CPU of the process and the children it waited for
    others_cpu_s: float  # CPU that other processes on the machine used meanwhile
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def disturbed(self) -> bool:
        """Did something else use more than DISTURBED_CORES on average?"""
        return self.others_cpu_s > DISTURBED_CORES * self.seconds

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
    busy_before = _cpu_busy_s()
    children_before = _cpu_s(resource.RUSAGE_CHILDREN)
    self_before = _cpu_s(resource.RUSAGE_SELF)
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
    cpu = _cpu_s(resource.RUSAGE_CHILDREN) - children_before
    ours = _cpu_s(resource.RUSAGE_SELF) - self_before  # the farm server, the sampler
    others = max(_cpu_busy_s() - busy_before - cpu - ours, 0.0)
    return Timed(
        seconds=elapsed,
        returncode=proc.returncode,
        stdout=out,
        stderr=err,
        tree_mb=sampler.peak_tree_kb / 1024,
        main_mb=sampler.peak_main_kb / 1024,
        pss_mb=sampler.peak_pss_kb / 1024,
        processes=sampler.most_processes,
        cpu_s=cpu,
        others_cpu_s=others,
        statuses=farm.statuses() if farm is not None else {},
    )


def _cpu_s(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _cpu_busy_s() -> float:
    """CPU seconds all processors have spent busy since boot (/proc/stat)."""
    with open("/proc/stat", encoding="ascii") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def wait_for_quiet(limit_s: float) -> float:
    """Wait (up to `limit_s`) until other processes use < DISTURBED_CORES; the
    busy share of the machine last seen, in cores."""
    deadline = time.monotonic() + limit_s
    while True:
        busy = _cpu_busy_s()
        own = _cpu_s(resource.RUSAGE_SELF)
        time.sleep(1.0)
        load = _cpu_busy_s() - busy - (_cpu_s(resource.RUSAGE_SELF) - own)
        if load < DISTURBED_CORES or time.monotonic() > deadline:
            return load
        print(f"  (waiting: other processes are using {load:.1f} cores)", flush=True)
        time.sleep(4.0)


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
    cold = run_measured([*cmd, "sync", "--no-media", "--data-dir", data], farm=farm).check(
        "newsreader sync"
    )
    rows, digest = articles_digest(db)
    warm = run_measured([*cmd, "sync", "--no-media", "--data-dir", data], farm=farm).check(
        "newsreader sync"
    )
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
            first = quiet(["newsboat", "--version"]).split("\n")[0]
            found["newsboat"] = first.split(" - ")[0].removeprefix("newsboat ")
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
            "peak_pss_mb": median([p.pss_mb for p in procs]),
            "entries": runs[-1]["entries"],
            "bozo_feeds": runs[-1]["bozo"],
            "cpu_s": median([p.cpu_s for p in procs]),
            "disturbed_runs": sum(bool(r.get("disturbed")) for r in runs),
        }
    cold: list[Timed] = [r["cold"] for r in runs]
    warm: list[Timed] = [r["warm"] for r in runs]
    summary: dict[str, Any] = {
        "cold_s": median([t.seconds for t in cold]),
        "warm_s": median([t.seconds for t in warm]),
        "cold_runs": [round(t.seconds, 3) for t in cold],
        "warm_runs": [round(t.seconds, 3) for t in warm],
        "peak_tree_mb": median(
            [max(c.tree_mb, w.tree_mb) for c, w in zip(cold, warm, strict=True)]
        ),
        "peak_main_mb": median(
            [max(c.main_mb, w.main_mb) for c, w in zip(cold, warm, strict=True)]
        ),
        "peak_pss_mb": median([max(c.pss_mb, w.pss_mb) for c, w in zip(cold, warm, strict=True)]),
        "processes": max(t.processes for t in cold),
        "cold_statuses": _merge_statuses(cold),
        "warm_statuses": _merge_statuses(warm),
        "entries": [r["entries"] for r in runs],
        "cold_cpu_s": median([t.cpu_s for t in cold]),
        "warm_cpu_s": median([t.cpu_s for t in warm]),
        "disturbed_runs": sum(bool(r.get("disturbed")) for r in runs),
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
        f"{'tool':<24} {'cold s':>7} {'warm s':>7} {'cold CPU s':>10} {'peak RSS MB':>11}"
        f" {'main MB':>7} {'PSS MB':>6}  entries",
        "-" * 88,
    ]
    for tool, r in results.items():
        warm = f"{r['warm_s']:7.2f}" if "warm_s" in r else f"{'-':>7}"
        cpu = r.get("cold_cpu_s", r.get("cpu_s", 0.0))
        entries = r["entries"] if isinstance(r["entries"], int) else min(r["entries"])
        lines.append(
            f"{names[tool]:<24} {r['cold_s']:7.2f} {warm} {cpu:10.2f} {r['peak_tree_mb']:11.0f}"
            f" {r['peak_main_mb']:7.0f} {r['peak_pss_mb']:6.0f}  {entries}"
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
    noisy = {tool: r["disturbed_runs"] for tool, r in results.items() if r.get("disturbed_runs")}
    if noisy:
        lines.append(
            f"warning: runs still disturbed by other processes after {ATTEMPTS} tries: {noisy}"
        )
    if "feedparser" in results:
        fp = results["feedparser"]
        lines.append(
            f"feedparser alone: parse loop {fp['cold_s']:.2f} s, whole process "
            f"{fp['process_s']:.2f} s, {fp['entries']} entries"
        )
    return lines


# -- --profile: where Newsreader's cold sync time goes ------------------------------------


def profile(args: argparse.Namespace) -> None:
    """Serve the farm here; measure Newsreader's phases in a child process."""
    OUT.mkdir(parents=True, exist_ok=True)
    with (
        farm_module.Farm(nodelay=not args.nagle) as farm,
        tempfile.TemporaryDirectory(prefix="sync-profile-") as tmp,
    ):
        shutil.copy(farm.urls_path, Path(tmp) / "urls")
        startup = run_measured(
            [*newsreader_cmd(), "--version"],
        ).check("newsreader --version")
        imports = run_measured(
            [sys.executable, "-c", "import newsreader.core.cli, newsreader.core.sync"]
        ).check("import")
        child = run_measured([sys.executable, __file__, "--profile-child", tmp], farm=farm).check(
            "profile child"
        )
    text = (
        f"process start-up: `newsreader --version` {startup.seconds:.2f} s; "
        f"python -c 'import newsreader.core.cli, newsreader.core.sync' {imports.seconds:.2f} s\n"
        + child.stdout
    )
    (OUT / "sync_profile.txt").write_text(text)
    print(text)
    print(f"(also in {OUT / 'sync_profile.txt'} and sync_profile.json)")


def _top(prof: Any, sort: str, limit: int) -> str:
    import io
    import pstats

    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    stats.strip_dirs().sort_stats(sort).print_stats(limit)
    lines = buf.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    return "\n".join(lines[start:]).rstrip()


def parse_parts(args: list[tuple[Any, ...]]) -> dict[str, float]:
    """Seconds spent in parse_feed's main steps, by wrapping them with timers.

    Looked up by name in newsreader.core.parse, so a step that is renamed or
    gone is simply missing from the result.
    """
    import feedparser

    from newsreader.core import parse as parse_module

    spent: dict[str, float] = {}
    patched: list[tuple[Any, str, Any]] = []

    def wrap(owner: Any, attr: str, label: str) -> None:
        original = getattr(owner, attr, None)
        if original is None:
            return

        def timed(*a: Any, **kw: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*a, **kw)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - started

        patched.append((owner, attr, original))
        setattr(owner, attr, timed)

    wrap(parse_module, "parse_feed", "parse_feed")
    wrap(parse_module, "decode_feed_bytes", "decode_feed_bytes")
    wrap(parse_module, "_prepare_xml", "_prepare_xml (repairs, offloading)")
    wrap(feedparser, "parse", "feedparser.parse")
    wrap(parse_module, "_recover_with_lxml", "_recover_with_lxml")
    wrap(parse_module, "_build_feed", "_build_feed (entries)")
    wrap(parse_module, "sanitize_html", "  of which sanitize_html (nh3)")
    wrap(parse_module, "make_snippet", "  of which make_snippet")
    labels = [
        "parse_feed",
        "decode_feed_bytes",
        "_prepare_xml (repairs, offloading)",
        "feedparser.parse",
        "_recover_with_lxml",
        "_build_feed (entries)",
        "  of which sanitize_html (nh3)",
        "  of which make_snippet",
    ]
    try:
        for a in args:
            parse_module.parse_feed(*a)
    finally:
        for owner, attr, original in reversed(patched):
            setattr(owner, attr, original)
    return {label: spent[label] for label in labels if label in spent}


def profile_child(work: Path) -> None:
    """Runs in its own process (the farm is served by the parent)."""
    import cProfile
    import pickle
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
    from multiprocessing import get_context

    t0 = time.perf_counter()
    from newsreader.core.fetch import Fetcher, FetchLimits
    from newsreader.core.parse import parse_feed
    from newsreader.core.storage import Store
    from newsreader.core.sync import SyncService, body_digest
    from newsreader.core.sync_types import FetchedBody, ParsedFeed

    import_s = time.perf_counter() - t0
    urls = (work / "urls").read_text().split()
    found: dict[str, Any] = {"import_s": import_s}
    sections: list[str] = []

    def fresh_store(name: str) -> Path:
        db = work / f"{name}.sqlite3"
        with Store(db) as store:
            for url in urls:
                store.add_feed(url)
        return db

    # 1. The real thing, in-process; cProfile sees the calling (writer) thread only.
    db = fresh_store("sync")
    prof = cProfile.Profile()
    with SyncService(db, limits=FetchLimits(per_host=2), max_workers=8) as service:
        started = time.perf_counter()
        prof.enable()
        report = service.sync()
        prof.disable()
        found["sync_s"] = time.perf_counter() - started
    found["sync_new"] = report.new_count
    sections.append(
        f"SyncService.sync() in-process (8 fetch threads, per_host 2, 2 parse processes): "
        f"{found['sync_s']:.2f} s, {report.new_count} new articles.\n"
        "The writer thread (the one calling sync), by cumulative time:\n"
        + _top(prof, "cumulative", 25)
    )

    # 2. Phases, one at a time.
    def fetch_all(per_host: int) -> tuple[float, list[FetchedBody]]:
        fetcher = Fetcher(FetchLimits(per_host=per_host))
        started = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            got = list(pool.map(fetcher.fetch, urls))
        elapsed = time.perf_counter() - started
        fetcher.close()
        return elapsed, [g for g in got if isinstance(g, FetchedBody)]

    found["fetch_s"], bodies = fetch_all(2)
    found["fetch_per_host_8_s"], _ = fetch_all(8)
    found["body_bytes"] = sum(len(b.content) for b in bodies)
    started = time.perf_counter()
    for b in bodies:
        body_digest(b.content)
    found["digest_s"] = time.perf_counter() - started

    args = [(b.content, b.url, b.headers, "") for b in bodies]
    started = time.perf_counter()
    parsed: list[ParsedFeed] = [parse_feed(*a) for a in args]
    found["parse_serial_s"] = time.perf_counter() - started
    prof = cProfile.Profile()
    prof.enable()
    for a in args[:40]:
        parse_feed(*a)
    prof.disable()
    parse_top = _top(prof, "tottime", 20)
    found["parse_parts_s"] = parse_parts(args)

    started = time.perf_counter()
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        warm = [pool.submit(parse_feed, *args[0]), pool.submit(parse_feed, *args[1])]
        for future in warm:
            future.result()
        found["pool_start_s"] = time.perf_counter() - started
        started = time.perf_counter()
        list(pool.map(parse_feed, *zip(*args, strict=True)))
        found["parse_pool_s"] = time.perf_counter() - started

    started = time.perf_counter()
    blobs = [pickle.dumps(p, pickle.HIGHEST_PROTOCOL) for p in parsed]
    for blob in blobs:
        pickle.loads(blob)
    found["pickle_s"] = time.perf_counter() - started
    found["pickle_bytes"] = sum(len(b) for b in blobs)

    db = fresh_store("store")
    with Store(db) as store:
        ids = [f.id for f in store.feeds(counts=False)]
        by_url = {f.url: f.id for f in store.feeds(counts=False)}
        order = [by_url[b.url] for b in bodies]
        started = time.perf_counter()
        for feed_id, p in zip(order[:100], parsed[:100], strict=True):
            store.apply_parsed(feed_id, p, body_hash="x", next_check=0)
        half = time.perf_counter() - started
        prof = cProfile.Profile()
        prof.enable()
        for feed_id, p in zip(order[100:], parsed[100:], strict=True):
            store.apply_parsed(feed_id, p, body_hash="x", next_check=0)
        prof.disable()
        found["store_s"] = half * 2  # the profiled half is slower; extrapolate the clean one
        found["store_feeds"] = len(ids)
    store_top = _top(prof, "tottime", 12)

    entries = sum(len(p.entries) for p in parsed)
    sections.insert(
        0,
        "Phases, each alone (wall seconds):\n"
        f"  import newsreader.core.(fetch, parse, storage, sync)  {found['import_s']:6.2f}\n"
        f"  fetch all 200, 8 threads, per_host 2 (the default)    {found['fetch_s']:6.2f}"
        f"  ({found['body_bytes'] / 1e6:.0f} MB decoded)\n"
        f"  fetch all 200, 8 threads, per_host 8                  "
        f"{found['fetch_per_host_8_s']:6.2f}\n"
        f"  blake2b of the 200 bodies                             {found['digest_s']:6.2f}\n"
        f"  parse_feed x 200, serial, one process                 "
        f"{found['parse_serial_s']:6.2f}  ({entries} entries,"
        f" {1000 * found['parse_serial_s'] / entries:.2f} ms/entry)\n"
        f"  spawn pool of 2 + first parse in each                 {found['pool_start_s']:6.2f}\n"
        f"  parse_feed x 200 in the warm pool of 2                {found['parse_pool_s']:6.2f}\n"
        f"  pickle + unpickle the 200 ParsedFeeds                 {found['pickle_s']:6.2f}"
        f"  ({found['pickle_bytes'] / 1e6:.0f} MB)\n"
        f"  Store.apply_parsed x 200 into a fresh cache           {found['store_s']:6.2f}"
        f"  ({1000 * found['store_s'] / entries:.3f} ms/entry)\n"
        f"  whole SyncService.sync() (from the section below)     {found['sync_s']:6.2f}",
    )
    parts = found["parse_parts_s"]
    sections.append(
        "Inside parse_feed x 200 (serial; timing wrappers, nested parts overlap):\n"
        + "\n".join(
            f"  {name:<40} {seconds:6.2f}  {100 * seconds / parts['parse_feed']:3.0f}%"
            for name, seconds in parts.items()
        )
    )
    sections.append("parse_feed on 40 feeds, by own time (cProfile):\n" + parse_top)
    sections.append("Store.apply_parsed on 100 feeds, by own time:\n" + store_top)
    (OUT / "sync_profile.json").write_text(json.dumps(found, indent=2))
    print("\n\n".join(sections))


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
    load_before = os.getloadavg()
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
    with (
        farm_module.Farm(nodelay=not args.nagle) as farm,
        tempfile.TemporaryDirectory(prefix="sync-bench-") as tmp,
    ):
        built = time.perf_counter() - started
        stats = farm.stats
        print(
            f"farm: {stats['feeds']} feeds, {stats['entries']} entries, "
            f"{stats['html_bytes'] / 1e6:.1f} MB HTML ({built:.1f} s to build); "
            f"{args.runs} runs of {', '.join(tools)}"
            + ("" if farm.nodelay else "; Nagle left on (--nagle)"),
            flush=True,
        )
        farm.write_bodies(Path(tmp) / "bodies")
        for n in range(args.runs):
            for tool in tools:
                for attempt in range(1, ATTEMPTS + 1):
                    wait_for_quiet(args.wait_quiet)
                    work = Path(tmp) / f"{tool}-{n}-{attempt}"
                    work.mkdir()
                    result = runners[tool](farm, work)
                    shutil.rmtree(work, ignore_errors=True)
                    timed = {k: v for k, v in result.items() if isinstance(v, Timed)}
                    brief = {k: round(v.seconds, 2) for k, v in timed.items()}
                    noisy = [k for k, v in timed.items() if v.disturbed]
                    note = f" disturbed by other processes: {noisy}" if noisy else ""
                    print(f"  run {n + 1}: {tool} {brief}{note}", flush=True)
                    if not noisy or attempt == ATTEMPTS:
                        result["disturbed"] = bool(noisy)
                        raw[tool].append(result)
                        break
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
        "farm": {**stats, "tcp_nodelay": not args.nagle},
        "runs": args.runs,
        "newsreader_settings": settings or {},
        "versions": found,
        "results": results,
        "ratios": rat,
        "targets": TARGETS,
        "bench_seconds": elapsed,
        "loadavg_before": load_before,
        "loadavg_after": os.getloadavg(),
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
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=300,
        metavar="S",
        help="before each run, wait up to S seconds for other processes to go quiet",
    )
    parser.add_argument("--out", default=str(OUT / "sync.json"), help="where to write the JSON")
    parser.add_argument(
        "--nagle",
        action="store_true",
        help="serve without TCP_NODELAY (FeedServer's default: +~35 ms per gzipped answer)",
    )
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
