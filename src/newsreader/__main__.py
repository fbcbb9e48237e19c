"""Entry point: `newsreader` and `python -m newsreader`.

With a subcommand it is the command line; without one it opens the desktop
app.  Heavy modules (requests, feedparser, Qt) are imported only on the path
that needs them.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def freeze_support() -> None:
    """Let a frozen bundle's executable act as a multiprocessing child.

    Only a frozen build needs it; importing multiprocessing otherwise would
    only delay the window.
    """
    if getattr(sys, "frozen", False):
        import multiprocessing

        multiprocessing.freeze_support()


def only_app_options(args: Sequence[str]) -> bool:
    """True when `args` can only mean "open the desktop app".

    The common case (no arguments, or just the app's own options) then skips
    building the command line's parser: the window appears sooner.
    """
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--data-dir" and rest:
            rest.pop(0)
        elif not (arg == "--no-sync" or arg.startswith("--data-dir=")):
            return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    freeze_support()
    args = list(sys.argv[1:] if argv is None else argv)
    if only_app_options(args):
        from newsreader.qt.pyside_imports import load_pyside

        load_pyside()
        from newsreader.app import run_app

        return run_app(args)
    from newsreader.core.desktop_entry import main as desktop_entry_main

    code = desktop_entry_main(args)
    if code is not None:
        return code
    from newsreader.core.cli import build_parser
    from newsreader.core.cli import main as cli_main

    parsed, _ = build_parser().parse_known_args(args)
    if parsed.command is None and not {"-h", "--help", "--version"} & set(args):
        from newsreader.app import run_app

        return run_app(args)
    return cli_main(args)


def gui_main() -> int:
    """The desktop app, for launchers that have no console."""
    freeze_support()
    from newsreader.qt.pyside_imports import load_pyside

    load_pyside()
    from newsreader.app import run_app

    return run_app(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
