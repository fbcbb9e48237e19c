"""Turn feed bytes into text, whatever the server and the document claim.

Order of evidence, strongest first:

1. a byte-order mark;
2. the user's explicit per-feed override;
3. the null-byte pattern of UTF-16/UTF-32 without a BOM (``<`` is ``3C 00``...);
4. bytes that are valid UTF-8 *and* contain multi-byte sequences: UTF-8 wins
   over any declared legacy charset.  Text in GBK, Big5, windows-125x or
   Latin-1 practically never forms valid multi-byte UTF-8 by accident, while
   "declared X, actually UTF-8" is the most common lie on the web (server
   defaults, copied templates);
5. the declared charsets - HTTP ``charset``, XML declaration, ``<meta>`` - each
   tried strictly, in that order; a declared UTF-16/32 without the null-byte
   pattern is a lie and is ignored;
6. UTF-8, or the first declared charset, if only a few bytes are invalid
   (a truncated character must not turn a whole feed into mojibake);
7. statistical detection with charset_normalizer.

GB2312/GBK are always decoded as GB18030 (a strict superset: feeds that declare
GB2312 routinely use GBK-only characters) and Big5 falls back to cp950 and
Big5-HKSCS, the two common supersets.
"""

from __future__ import annotations

import codecs
import functools
import re

__all__ = ["decode_feed_bytes", "normalize_encoding"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    # UTF-32 before UTF-16: the UTF-32-LE BOM starts with the UTF-16-LE one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_ALIASES: dict[str, str] = {
    **dict.fromkeys(
        (
            "gb2312",
            "gbk",
            "x-gbk",
            "cp936",
            "ms936",
            "windows-936",
            "euc-cn",
            "euccn",
            "gb_2312-80",
            "gb_2312",
            "csgb2312",
            "chinese",
            "iso-ir-58",
            "gb18030",
        ),
        "gb18030",
    ),
    **dict.fromkeys(("big5", "big-5", "x-big5", "cn-big5", "csbig5", "cp950"), "big5"),
    **dict.fromkeys(("big5-hkscs", "big5hkscs"), "big5hkscs"),
    # WHATWG: Latin-1 labels mean windows-1252 (C1 controls are really cp1252).
    **dict.fromkeys(
        ("iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "cp819", "iso_8859-1"),
        "cp1252",
    ),
    **dict.fromkeys(("utf8", "utf-8", "unicode-1-1-utf-8"), "utf-8"),
    **dict.fromkeys(("us-ascii", "ascii", "ansi_x3.4-1968"), "ascii"),
    "x-sjis": "shift_jis",
    "shift-jis": "shift_jis",
    "x-euc-jp": "euc_jp",
    "hz-gb-2312": "hz",
}

# Declared Big5 is tried as each of these, strictly, before giving up on it.
_BIG5_FAMILY = ("big5", "cp950", "big5hkscs")
_WIDE = ("utf-16", "utf-32")

_XML_DECL_RE = re.compile(
    rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']\s*([A-Za-z0-9._:\-]+)\s*["']""",
)
_META_RE = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.I)
_ASCII_BYTES = bytes(range(128))
# Single-byte Latin code pages that charset_normalizer cannot tell apart on
# short texts; windows-1252 is by far the most common of them.
_LATIN_SINGLE_BYTE = frozenset(
    {
        "cp1250",
        "cp1252",
        "cp1254",
        "cp1257",
        "cp1258",
        "cp775",
        "cp850",
        "cp858",
        "latin_1",
        "mac_roman",
        "mac_latin2",
        "iso8859_2",
        "iso8859_3",
        "iso8859_4",
        "iso8859_9",
        "iso8859_10",
        "iso8859_13",
        "iso8859_14",
        "iso8859_15",
        "iso8859_16",
    }
)


# Languages for which a Central European code page (cp1250...) is plausible.
_CENTRAL_EUROPEAN = frozenset(
    {"Polish", "Czech", "Slovak", "Hungarian", "Croatian", "Slovene", "Romanian"}
    | {"Lithuanian", "Latvian", "Estonian", "Turkish"}
)


def normalize_encoding(label: str) -> str:
    """Map a charset label to the Python codec we decode it with ("" if unknown).

    Labels are normalized the way browsers do it (GB2312 -> GB18030, Latin-1 ->
    windows-1252); bogus labels and non-text codecs (``base64``...) give "".
    """
    name = label.strip().strip("\"'").strip().lower()
    if not name:
        return ""
    name = _ALIASES.get(name, name)
    try:
        info = codecs.lookup(name)
    except LookupError:
        return ""
    if not getattr(info, "_is_text_encoding", True):
        return ""
    return info.name


def decode_feed_bytes(
    content: bytes, http_charset: str = "", override: str = ""
) -> tuple[str, str]:
    """Decode a feed body; return ``(text, name of the encoding used)``.

    The text keeps its XML declaration untouched (the caller rewrites it).  A
    leading BOM is removed.  Never raises on bad bytes: the worst case is a few
    U+FFFD replacement characters.
    """
    for bom, name in _BOMS:
        if content.startswith(bom):
            return content[len(bom) :].decode(name, "replace"), name

    forced = normalize_encoding(override)
    if forced:
        return _decode_family(content, forced, errors="replace"), forced

    wide = _sniff_wide(content)
    if wide:
        return content.decode(wide, "replace"), wide

    # ASCII-only bytes decode the same in every ASCII-compatible codec.
    declared = _declared(content, http_charset)
    if content.isascii():
        for name in declared:
            if name in ("utf-7", "hz") or name.startswith("iso2022"):
                try:
                    return content.decode(name), name
                except (UnicodeDecodeError, LookupError):
                    break
        return content.decode("ascii"), declared[0] if declared else "utf-8"

    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass

    # A strict multi-byte success is evidence; a single-byte one is not (those
    # decode nearly anything), so multi-byte declarations are tried first.
    for name in sorted(declared, key=_is_single_byte):
        try:
            return _decode_family(content, name, errors="strict"), name
        except (UnicodeDecodeError, LookupError):
            continue

    nonascii = len(content.translate(None, _ASCII_BYTES))  # ASCII bytes deleted
    for name in (*declared[:1], "utf-8"):
        try:
            text = _decode_family(content, name, errors="replace")
        except LookupError:
            continue
        if text.count("\ufffd") * 20 <= nonascii:
            return text, name

    detected = _detect(content)
    if detected:
        return content.decode(detected, "replace"), detected
    fallback = declared[0] if declared else "utf-8"
    return _decode_family(content, fallback, errors="replace"), fallback


def _decode_family(content: bytes, name: str, *, errors: str) -> str:
    """Decode with `name`, trying the Big5 supersets for Big5."""
    if name != "big5":
        return content.decode(name, errors)
    for member in _BIG5_FAMILY:
        try:
            return content.decode(member)
        except UnicodeDecodeError:
            continue
    if errors == "strict":
        raise UnicodeDecodeError("big5", content, 0, len(content), "not Big5")
    return content.decode("big5hkscs", errors)


@functools.lru_cache(maxsize=64)
def _is_single_byte(name: str) -> bool:
    """True for codecs that map every byte to one character (cp1252, koi8-r...)."""
    if name == "utf-8":
        return False
    try:
        return len(bytes(range(256)).decode(name, "replace")) == 256
    except LookupError:
        return True


def _declared(content: bytes, http_charset: str) -> list[str]:
    """The usable charsets the HTTP header and the document itself declare."""
    head = content[:2048]
    labels = [http_charset]
    match = _XML_DECL_RE.match(head)
    if match:
        labels.append(match.group(1).decode("ascii"))
    else:
        meta = _META_RE.search(content[:8192])
        if meta:
            labels.append(meta.group(1).decode("ascii"))
    result: list[str] = []
    for label in labels:
        name = normalize_encoding(label)
        # Without the null-byte pattern a declared UTF-16/32 cannot be true.
        if name and not name.startswith(_WIDE) and name not in result:
            result.append(name)
    return result


def _sniff_wide(content: bytes) -> str:
    """Recognise UTF-16/32 without a BOM from where the zero bytes fall."""
    sample = content[:512]
    if len(sample) < 4 or b"\x00" not in sample[:4]:
        return ""
    first = sample[:4]
    if first[:3] == b"\x00\x00\x00" and first[3]:
        return "utf-32-be"
    if first[0] and first[1:4] == b"\x00\x00\x00":
        return "utf-32-le"
    size = len(sample) - len(sample) % 2
    even_zero = sample[0:size:2].count(0)
    odd_zero = sample[1:size:2].count(0)
    half = size // 2
    # ASCII markup in UTF-16 puts a zero in (nearly) every other byte.
    if even_zero >= half * 0.6 and odd_zero <= half * 0.1:
        return "utf-16-be"
    if odd_zero >= half * 0.6 and even_zero <= half * 0.1:
        return "utf-16-le"
    return ""


def _detect(content: bytes) -> str:
    """Guess the charset statistically; "" when nothing plausible is found."""
    import charset_normalizer  # only when a guess is needed: it costs ~8 MB

    matches = charset_normalizer.from_bytes(content)
    best = matches.best()
    if best is None:
        return ""
    name = normalize_encoding(best.encoding)
    if best.encoding in _LATIN_SINGLE_BYTE and best.language not in _CENTRAL_EUROPEAN:
        # These all decode Latin text "without chaos" and the detector picks
        # among them almost at random; windows-1252 is by far the most common.
        try:
            content.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            return "cp1252"
    if name == "big5":
        for member in _BIG5_FAMILY:
            try:
                content.decode(member)
            except UnicodeDecodeError:
                continue
            return member
    return name
