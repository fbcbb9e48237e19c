"""Shared fixtures: a real HTTP feed server on 127.0.0.1 and a temporary cache."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))

# No test reaches a host beyond 127.0.0.1: not this process, nor the app,
# CLI and sync processes it starts (they load netguard/sitecustomize.py).
_NETGUARD = Path(__file__).parent / "netguard"
sys.path.insert(0, str(_NETGUARD))
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(_NETGUARD), os.environ.get("PYTHONPATH", "")) if p
)
import loopback_only  # noqa: E402

loopback_only.install()

from feedserver import FeedServer  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.fixture(autouse=True)
def _private_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing a test runs may write to the user's real config or data dirs."""
    home = tmp_path_factory.mktemp("home")
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    monkeypatch.delenv("NEWSREADER_DATA_DIR", raising=False)
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(autouse=True, scope="session")
def _no_stray_processes() -> Iterator[None]:
    """A safety net: child processes left by a failed test must not keep the
    test run from exiting (multiprocessing joins its children at exit)."""
    yield
    import multiprocessing

    for child in multiprocessing.active_children():
        child.kill()
        child.join(5)


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server
        assert server.errors == [], "a route raised"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def db_path(data_dir: Path) -> Path:
    return data_dir / "newsreader.sqlite3"


def fill_cache(server: FeedServer, data_dir: Path, feeds: int = 3, entries: int = 10) -> list[int]:
    """Serve `feeds` feeds (every third in Chinese), subscribe and sync them."""
    from feedgen import make_entries, rss
    from newsreader.core.storage import Store
    from newsreader.core.sync import SyncService

    db = data_dir / "newsreader.sqlite3"
    ids = []
    with Store(db) as store:
        for n in range(feeds):
            chinese = n % 3 == 1
            title = f"中文新闻 {n}" if chinese else f"World News {n}"
            server.add(f"/feeds/{n}.xml", rss(title, make_entries(n, entries, chinese=chinese)))
            ids.append(store.add_feed(server.url(f"/feeds/{n}.xml"), folder=("News",)))
    with SyncService(db, parse_processes=0) as service:
        report = service.sync()
    assert not report.failed
    return ids


@pytest.fixture
def filled_cache(feed_server: FeedServer, data_dir: Path) -> list[int]:
    return fill_cache(feed_server, data_dir)
