"""Bytes → text for article files: binary rejection and encoding detection.

Design decisions:

* **Binary files are rejected by magic number first** (PDF, PNG, JPEG, GIF,
  ZIP/docx/xlsx/epub, gzip, bzip2, xz, 7z, OLE2 .doc, ELF, SQLite), then by
  the share of NUL and other C0 control bytes in the first 8 KiB: above 10 %
  it is not text. UTF-16/UTF-32 (with a BOM, or BOM-less UTF-16 recognised by
  NULs falling on every other byte) is checked *before* that count, since
  half of its bytes are NUL.
* **Stray NUL bytes in otherwise-text files are stripped, with a warning**
  (``warn``: "negtrack: warning: …" on stderr, like every other warning). They come from broken exports
  and padding; rejecting a whole article for them helps nobody, and keeping
  them would put invisible characters into evidence sentences. Since the
  stored text is the text after stripping, offsets into it stay exact.
* **Encoding order:** a BOM wins (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE); then
  BOM-less UTF-16 by NUL pattern; then strict UTF-8; then, for HTML only, a
  ``<meta charset>`` / XML declaration naming a codec Python knows; then a
  heuristic between Windows-1251 (Cyrillic) and Windows-1252/Latin-1.
* **The Cyrillic heuristic** decodes as cp1251 and counts words: a word made
  only of Cyrillic letters (two or more) votes cp1251, a word mixing Latin
  and Cyrillic letters ("cafщ" is "café" misread) votes cp1252. Counting raw
  high bytes would not work: accented Latin letters in cp1252 sit on the same
  byte values as Cyrillic letters in cp1251.
* **Windows-1252 vs Latin-1:** they differ only on bytes 0x80–0x9F. If any
  byte undefined in cp1252 (0x81, 0x8D, 0x8F, 0x90, 0x9D) occurs, it is
  Latin-1; if other 0x80–0x9F bytes occur (curly quotes, dashes, €) it is
  cp1252; otherwise the two decode identically and we record "latin-1", the
  narrower claim.
* **Mixed encodings** (mostly UTF-8 with some stray single-byte characters,
  typically from pasting) are decoded as UTF-8 with each run of invalid bytes
  decoded by the codec its neighbours call for: Windows-1252 beside a Latin
  letter ("caf\\xe9" in a Russian text is "café"), Windows-1251 beside a
  Cyrillic one or when the run itself reads as Cyrillic words, else the
  single-byte codec the heuristic picks for the whole text. The recorded
  encoding names what was used, e.g. "utf-8+cp1252" or "utf-8+cp1251+cp1252".
  The Unicode replacement character is only a last resort (a byte no
  candidate codec defines, or broken UTF-16 surrogates).
"""

from __future__ import annotations

import codecs
import contextvars
import re
import sys

from negtrack import rx
from negtrack.errors import InputError


def printable(value: str) -> str:
    """``value`` with a replacement mark for each byte that was no UTF-8.

    File names and command-line arguments are bytes; Python keeps those that
    are no UTF-8 (a Latin-1 "é", 0xE9) as lone surrogates, which SQLite, JSON
    and UTF-8 files cannot take.
    """
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def warn(message: str) -> None:
    """A reading warning, through the CLI's one output layer when present."""
    try:
        from negtrack.output import warn as output_warn
    except ImportError:  # reading must not depend on the CLI
        print(f"negtrack: warning: {message}", file=sys.stderr)
        return
    output_warn(message)


# (magic prefix, human name). Checked against the raw bytes, before any BOM
# handling; none of these collide with a text BOM.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE2/Word .doc"),
    (b"\x7fELF", "ELF executable"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"RIFF", "RIFF media"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its LE BOM starts with the UTF-16 LE BOM.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_SAMPLE = 8192
# C0 controls that plain text legitimately contains: \t \n \v \f \r and ESC
# (ANSI colour in saved terminal output).
_TEXT_CONTROLS = frozenset(b"\t\n\x0b\x0c\r\x1b")
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
_ASCII = bytes(range(0x80))
_NOT_BAD_CONTROL = bytes(b for b in range(256) if b >= 0x20 or b in _TEXT_CONTROLS)
_HEURISTIC_SAMPLE = 256 * 1024  # enough words to vote; bounded time on big files


def check_binary(data: bytes, name: str) -> None:
    """Raise InputError if ``data`` is a known binary format."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"{name}: binary file ({what}), not an article")


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' if NULs sit on every other byte, else None.

    ASCII-range text in UTF-16 has a NUL as the high byte of nearly every
    code unit; requiring most odd (LE) or even (BE) positions to be NUL and
    almost none of the others keeps binary files with NUL runs out.
    """
    n = len(sample) - (len(sample) % 2)
    if n < 4:
        return None
    even = sample[0:n:2]
    odd = sample[1:n:2]
    half = n // 2
    even_nul = even.count(0) / half
    odd_nul = odd.count(0) / half
    if odd_nul > 0.6 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.6 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _control_share(sample: bytes) -> float:
    if not sample:
        return 0.0
    bad = len(sample.translate(None, _NOT_BAD_CONTROL))
    return bad / len(sample)


_CYR_WORD = rx.compile(r"[^\W\d_]+")


def _cyrillic_votes(text: str) -> tuple[int, int]:
    """(all-Cyrillic words of 2+ letters, words mixing Latin and Cyrillic)."""
    cyr = mixed = 0
    for m in _CYR_WORD.finditer(text):
        word = m.group()
        has_cyr = any("\u0400" <= ch <= "\u04ff" for ch in word)
        if not has_cyr:
            continue
        has_lat = any(ch.isascii() for ch in word)
        if has_lat:
            mixed += 1
        elif len(word) >= 2:
            cyr += 1
    return cyr, mixed


def _single_byte_codec(data: bytes) -> str:
    """Pick cp1251, cp1252 or latin-1 for bytes that are not UTF-8."""
    cyr, mixed = _cyrillic_votes(data[:_HEURISTIC_SAMPLE].decode("cp1251", errors="replace"))
    if cyr > mixed:
        return "cp1251"
    present = set(data.translate(None, _ASCII))
    if present & _CP1252_UNDEFINED:
        return "latin-1"
    if any(0x80 <= b <= 0x9F for b in present):
        return "cp1252"
    return "latin-1"


_UTF8_MB = rx.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _mixed_utf8(data: bytes) -> bool:
    """True if ``data`` looks like UTF-8 with some stray single-byte chars.

    Single-byte Cyrillic or Western text almost never forms valid UTF-8
    sequences by accident (a lead byte must be followed by exactly the right
    number of 0x80–0xBF bytes), so at least three valid multi-byte sequences,
    outnumbering the stray high bytes, mean "UTF-8 with damage".
    """
    sequences = _UTF8_MB.findall(data)
    valid = len(sequences)
    stray = len(data.translate(None, _ASCII)) - sum(len(s) for s in sequences)
    return valid >= 3 and valid >= stray


_CHARSET = rx.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})"""
    rb"""|<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})""",
    re.IGNORECASE,
)


def _declared_charset(data: bytes) -> str | None:
    m = _CHARSET.search(data[:4096])
    if not m:
        return None
    label = (m.group(1) or m.group(2)).decode("ascii").lower()
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode(data: bytes, name: str, *, html: bool = False) -> tuple[str, str]:
    """Decode article bytes; returns (text, encoding name).

    The text still has its original newlines and no BOM; NUL bytes are
    stripped (with a warning). Raises InputError for binary data.
    """
    check_binary(data, name)
    if data.startswith(codecs.BOM_UTF8):
        # UTF-8 BOM: drop it and take the UTF-8 path below, which can still
        # rescue stray single-byte characters.
        data = data[len(codecs.BOM_UTF8):]
    encoding = None
    body = data
    for bom, enc in _BOMS:
        if data.startswith(bom):
            encoding = enc
            body = data[len(bom):]
            break
    if encoding is None:
        encoding = _utf16_without_bom(data[:_SAMPLE])
    if encoding is not None:
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError:
            # A BOM or NUL pattern is strong evidence: keep the codec and
            # replace what is broken (odd trailing byte, lone surrogate).
            warn(f"{name}: undecodable bytes in {encoding} text replaced by U+FFFD")
            text = body.decode(encoding, errors="replace")
        # 16-bit binary data can put NULs on every other byte too.
        sample = text[:_SAMPLE]
        bad = sum(1 for ch in sample if ch < " " and ord(ch) not in _TEXT_CONTROLS)
        if bad > len(sample) / 10:
            raise InputError(f"{name}: binary file (control bytes), not an article")
        return _strip_nul(text, name), encoding

    # Not UTF-16/32: too many control bytes means binary.
    if _control_share(data[:_SAMPLE]) > 0.10:
        raise InputError(f"{name}: binary file (control bytes), not an article")
    if b"\x00" in data:
        warn(f"{name}: {data.count(0)} NUL byte(s) removed")
        data = data.replace(b"\x00", b"")

    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        if html:
            declared = _declared_charset(data)
            # "iso-8859-1" and "ascii" labels are read as windows-1252 by
            # browsers, so pages mislabel cp1252 that way: let the heuristic
            # decide those.
            if declared and declared not in ("utf-8", "ascii", "iso8859-1", "latin-1"):
                try:
                    return data.decode(declared), declared
                except (UnicodeDecodeError, LookupError):
                    pass
        single = _single_byte_codec(data)
        if _mixed_utf8(data):
            return _decode_mixed(data, single)
        try:
            return data.decode(single), single
        except UnicodeDecodeError:
            # cp1251 leaves 0x98 undefined: the last-resort replacement.
            warn(f"{name}: bytes undefined in {single} replaced by U+FFFD")
            return data.decode(single, errors="replace"), single


def _decode_mixed(data: bytes, single: str) -> tuple[str, str]:
    """UTF-8 with each stray byte decoded by the codec its neighbours call for:
    next to a Latin letter ("caf\\xe9") Windows-1252, next to a Cyrillic one
    (a UTF-8 Cyrillic letter, or a run of stray bytes that reads as Cyrillic)
    Windows-1251, else ``single``, the whole text's choice. Returns the text
    and the encoding label, "utf-8+" and the codecs used."""
    used: list[str] = []
    token = _MIXED.set((single, used))
    try:
        text = data.decode("utf-8", errors=_mixed_handler_name())
    finally:
        _MIXED.reset(token)
    return text, "utf-8+" + "+".join(used or [single])


# The error handler is registered once, for the process: what one decode needs
# (the whole text's codec, the codecs it used) travels beside it.
_MIXED: contextvars.ContextVar = contextvars.ContextVar("negtrack_mixed")


def _mixed_handler(exc: UnicodeDecodeError):
    single, used = _MIXED.get()
    raw, a, b = exc.object, exc.start, exc.end
    # A run of stray bytes is decoded together, so its own letters count.
    while b < len(raw) and raw[b] >= 0x80 and not _utf8_at(raw, b):
        b += 1
    codec = _codec_near(raw, a, b, single)
    if codec not in used:
        used.append(codec)
    return raw[a:b].decode(codec, errors="replace"), b


def _mixed_handler_name() -> str:
    name = "negtrack-stray-bytes"
    try:
        codecs.lookup_error(name)
    except LookupError:
        codecs.register_error(name, _mixed_handler)
    return name


def _utf8_at(raw: bytes, i: int) -> bool:
    """A valid UTF-8 multi-byte character starts at ``raw[i]``."""
    return _UTF8_MB.match(raw, i) is not None


def _is_cyrillic_utf8(raw: bytes, i: int) -> bool:
    return i >= 0 and i + 1 < len(raw) and raw[i] in (0xD0, 0xD1) and 0x80 <= raw[i + 1] <= 0xBF


def _codec_near(raw: bytes, a: int, b: int, single: str) -> str:
    before = raw[a - 1] if a else 0
    after = raw[b] if b < len(raw) else 0
    latin = chr(before).isalpha() and before < 0x80 or chr(after).isalpha() and after < 0x80
    cyrillic = _is_cyrillic_utf8(raw, a - 2) or _is_cyrillic_utf8(raw, b)
    if not (latin or cyrillic) and b - a >= 2:
        # A run of its own: two or more bytes that are all Cyrillic letters in cp1251.
        cyrillic = all(0xC0 <= x or x in (0xA8, 0xB8) for x in raw[a:b])
    if cyrillic and not latin:
        return "cp1251"
    if latin and not cyrillic:
        if single != "cp1251":
            return single
        return "latin-1" if set(raw[a:b]) & _CP1252_UNDEFINED else "cp1252"
    return single


def _strip_nul(text: str, name: str) -> str:
    if "\x00" in text:
        warn(f"{name}: {text.count(chr(0))} NUL character(s) removed")
        text = text.replace("\x00", "")
    return text
