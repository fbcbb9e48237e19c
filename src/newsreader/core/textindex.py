"""Text for the full-text index, and user queries for it.

SQLite's FTS5 ``unicode61`` tokenizer splits on spaces and punctuation, so a
run of Chinese text without spaces becomes one long token and a word like
"网络" inside a sentence is never found.  The ``trigram`` tokenizer finds it
(from 3 characters on) but its index is about eight times bigger.

So the text is pre-tokenized here, in Python: every CJK character (Han,
kana, Hangul) is set apart by spaces, and FTS5 (``unicode61``) indexes each
as a token of its own, with its position.  A Chinese word is then searched
as the phrase of its characters: "网络" is the phrase "网 络", which matches
only where 网 is directly followed by 络.  One character works too ("茶").
Everything else is left to unicode61 (case folding, diacritics, splitting
on punctuation), after folding compatibility characters (`normalize`:
full-width "ＡＢＣ１２" → "ABC12").

bench/search_bench.py measures this against indexing CJK bigrams (faster
for phrases of common characters, but an index about 1.8 times the size of
plain unicode61's, built 3 times slower) and against trigram.

Queries (`build_query`): a word with CJK characters becomes the phrase of
its characters; a Latin word becomes a prefix query (``"netw"*``) when it
has `MIN_PREFIX_LEN` letters or more; "quoted text" is a phrase; all parts
must match (AND).

The index is contentless: deleting a row means handing FTS5 the very tokens
it was given.  So `index_text` must stay deterministic, and any change to it
needs a migration that rebuilds the index (bump `VERSION`).
"""

from __future__ import annotations

import re
import unicodedata

VERSION = 1

# Han (with extension A, compatibility ideographs, extensions B-F), kana, Hangul.
CJK_CLASS = (
    "\u3041-\u3096\u30a1-\u30fa\u30fc-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
    "\uf900-\ufaff\U00020000-\U0002fa1f"
)
_CJK_CHAR = re.compile(f"[{CJK_CLASS}]")
# Characters NFKC changes that a search should see through: full-width
# letters and digits (ＡＢ１２), half-width katakana, ligatures (ﬁ), super-
# and subscripts, Roman numerals, circled and squared forms, compatibility
# ideographs.  Full-width punctuation is left: unicode61 splits on it anyway.
_COMPAT = re.compile(
    "[\u00b2\u00b3\u00b9\u00bc-\u00be\u2070-\u209f\u2150-\u218b\u2460-\u24ff"
    "\u3200-\u33ff\uf900-\ufaff\ufb00-\ufb4f\uff10-\uff19\uff21-\uff3a"
    "\uff41-\uff5a\uff66-\uff9f\uffe0-\uffe6]+"
)
# A CJK character and what follows it up to the next letter or digit that is
# not CJK: long spans mean few Python calls (punctuation inside is harmless).
_CJK_SPAN = re.compile(f"[{CJK_CLASS}][{CJK_CLASS}\\W]*")
_SCRIPT_SEGMENT = re.compile(f"[{CJK_CLASS}]+|[^{CJK_CLASS}]+")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
# A query: "quoted phrases" (ASCII or curly quotes) and bare words.
_QUERY_PART = re.compile(r'"([^"]*)"?|“([^”]*)”?|(\S+)')
# Latin words shorter than this are matched exactly, not as prefixes: "a*"
# or "to*" would expand to thousands of terms and say little.
MIN_PREFIX_LEN = 3


def _nfkc(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group())


def normalize(text: str) -> str:
    """NFKC, applied only where it matters for search (`_COMPAT`): full NFKC
    of a Chinese text costs more than all the rest of its indexing."""
    if text.isascii():  # a C-speed check: plain English has nothing to fold
        return text
    return _COMPAT.sub(_nfkc, text)


def is_cjk(text: str) -> bool:
    """Whether `text` starts with a CJK character."""
    return _CJK_CHAR.match(text) is not None


def _spaced(match: re.Match[str]) -> str:
    return " " + " ".join(match.group()) + " "


def index_text(text: str) -> str:
    """`text` as FTS5 (unicode61) should index it: every CJK character apart."""
    if not text or text.isascii():
        return text
    return _CJK_SPAN.sub(_spaced, normalize(text))


def _fts_string(tokens: str) -> str:
    return '"' + tokens.replace('"', '""') + '"'


def _segment_term(segment: str) -> str:
    """The FTS5 term for an unquoted run of one script (all CJK, or none)."""
    if is_cjk(segment):
        return _fts_string(" ".join(segment))
    term = _fts_string(segment)
    words = re.findall(r"[^\W_]+", segment)
    if len(words[-1]) >= MIN_PREFIX_LEN:
        term += "*"
    return term


def build_query(query: str) -> str:
    """The FTS5 MATCH expression for what a user typed; "" if nothing to search.

    Every part must match.  FTS5 operators typed by the user (AND, OR, NOT,
    NEAR, column filters, ``*``) are taken as plain words: every term is
    quoted, so no input can make the expression invalid.
    """
    terms: list[str] = []
    for match in _QUERY_PART.finditer(normalize(query)):
        quoted = match.group(1) if match.group(1) is not None else match.group(2)
        if quoted is not None:
            if _LETTER_OR_DIGIT.search(quoted):
                terms.append(_fts_string(index_text(quoted)))
            continue
        for segment in _SCRIPT_SEGMENT.findall(match.group(3)):
            if _LETTER_OR_DIGIT.search(segment):
                terms.append(_segment_term(segment))
    return " AND ".join(dict.fromkeys(terms))


_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")


def highlight_terms(query: str) -> list[str]:
    """The literal strings to highlight in an article for `query`, lower-cased:
    its Latin words (a prefix as typed: "netw" for what "netw" finds), its
    runs of CJK characters, and its "quoted phrases" whole; without
    surrounding punctuation, without repeats, longest first (so a caller
    highlighting one after the other marks the longest match)."""
    terms: list[str] = []
    for match in _QUERY_PART.finditer(normalize(query)):
        quoted = match.group(1) if match.group(1) is not None else match.group(2)
        if quoted is not None:
            parts = [" ".join(quoted.split())]
        else:
            parts = _SCRIPT_SEGMENT.findall(match.group(3))
        for part in parts:
            part = _EDGE_PUNCTUATION.sub("", part).lower()
            if _LETTER_OR_DIGIT.search(part):
                terms.append(part)
    return sorted(dict.fromkeys(terms), key=len, reverse=True)
