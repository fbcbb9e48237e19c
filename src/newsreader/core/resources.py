"""Find files shipped in `resources/` (inside the wheel, or the source tree)."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    """The installed `newsreader/resources`, else the repository's `resources/`.

    An editable install does not see the force-included folder, hence the
    fallback to the source tree.
    """
    packaged = Path(__file__).resolve().parents[1] / "resources"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
