"""Qt-free core: storage, fetch, parse, sanitize, sync, OPML and the CLI.

Nothing under this package may import PySide6 (a test enforces it).
"""
