"""`decode`: raw bytes to text, never failing.

Order of evidence: a byte-order mark; UTF-16 recognised by its zero bytes; strict
UTF-8; then line by line, because scraped files are often stitched together from
pages in different encodings. A line with valid UTF-8 sequences is UTF-8 (its
stray bytes become U+FFFD and are recorded); a line without any is in the file's
legacy encoding: cp1252 (a superset of printable latin-1) unless the bytes are
too dense in high characters for a Western text, when charset-normalizer decides.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..model import ByteFix

VERSION = "decode/v2"
"""The decoder's version, in the run fingerprint and beside each replaced byte in the diff log
(v2: a single-byte charset declared on UTF-8 bytes is not believed)."""
MAX_RECORDED_FIXES = 200

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]"
    rb"|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_LETTERISH = re.compile(rb"[A-Za-z\x80-\xff]")
LEGACY_DENSITY = 0.3
"""Share of high bytes among letters above which cp1252 is doubtful (Western
text in cp1252 rarely passes 10%; Cyrillic or Greek single-byte text is mostly high)."""


_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or an office document)"),
    (b"\x1f\x8b", "gzip data without a .gz name"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"RIFF", "RIFF media (WebP, WAV, AVI)"),
    (b"\x00\x00\x01\x00", "icon"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\x7fELF", "executable"),
)
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def sniff_binary(raw: bytes) -> str | None:
    """What a file is when it is not text: its magic number, or too many control bytes
    for any text (UTF-16 excepted: half its bytes are zeros)."""
    for magic, kind in _MAGIC:
        if raw.startswith(magic):
            return kind
    head = raw[:4096]
    if not head or any(head.startswith(bom) for bom, _ in _BOMS) or _utf16_without_bom(raw):
        return None
    controls = len(_CONTROL_BYTES.findall(head))
    if controls > 0.05 * len(head):
        return f"binary data ({controls / len(head):.0%} control bytes)"
    return None


@dataclass(slots=True)
class Decoded:
    text: str
    encoding: str
    bom: bool = False
    invalid_bytes: int = 0
    fixes: list[ByteFix] = field(default_factory=list)


class _Recorder:
    """Collects undecodable byte runs while a codec replaces them with U+FFFD."""

    def __init__(self, base: int, into: Decoded) -> None:
        self.base = base
        self.into = into

    def __call__(self, err: UnicodeDecodeError) -> tuple[str, int]:
        bad = err.object[err.start : err.end]
        self.into.invalid_bytes += len(bad)
        fixes = self.into.fixes
        offset = self.base + err.start
        if fixes and fixes[-1].offset + len(fixes[-1].raw) // 2 == offset and len(fixes[-1].raw) < 64:
            last = fixes.pop()
            fixes.append(ByteFix(last.offset, last.raw + bad.hex(), last.reason))
        elif len(fixes) < MAX_RECORDED_FIXES:
            fixes.append(ByteFix(offset, bad.hex(), f"bytes not valid in {err.encoding}: replaced by U+FFFD"))
        return "\ufffd", err.end


def _decode_recorded(data: bytes, encoding: str, base: int, into: Decoded) -> str:
    # A decoder with a per-call error handler: bytes.decode only takes named handlers,
    # so drive the incremental decoder and catch each error ourselves.
    recorder = _Recorder(base, into)
    out: list[str] = []
    pos = 0
    while True:
        try:
            out.append(data[pos:].decode(encoding))
            return "".join(out)
        except UnicodeDecodeError as err:
            out.append(data[pos : pos + err.start].decode(encoding))
            shifted = UnicodeDecodeError(err.encoding, data, pos + err.start, pos + err.end, err.reason)
            replacement, resume = recorder(shifted)
            out.append(replacement)
            pos = resume


def _sloppy_cp1252(data: bytes) -> str:
    """cp1252 where it is defined, latin-1 for its five holes: never fails."""
    return data.decode("cp1252", errors="_boilerstrip_latin1")


def _latin1_fallback(err: UnicodeError) -> tuple[str, int]:
    assert isinstance(err, UnicodeDecodeError)
    return err.object[err.start : err.end].decode("latin-1"), err.end


codecs.register_error("_boilerstrip_latin1", _latin1_fallback)


def _utf16_without_bom(raw: bytes) -> str | None:
    sample = raw[:4096]
    if len(raw) % 2 or len(sample) < 16:  # UTF-16 has an even length; tiny inputs prove nothing
        return None
    even, odd = sample[0::2], sample[1::2]
    zero_even = even.count(0) / len(even)
    zero_odd = odd.count(0) / len(odd)
    if zero_odd > 0.4 and zero_even < 0.05:
        return "utf-16-le"
    if zero_even > 0.4 and zero_odd < 0.05:
        return "utf-16-be"
    return None


def _legacy_codec(lines: list[bytes]) -> str:
    legacy = b"\n".join(lines)
    letters = len(_LETTERISH.findall(legacy))
    high = len(_HIGH_BYTE.findall(legacy))
    if letters < 20 or high / letters < LEGACY_DENSITY:
        return "cp1252"
    from charset_normalizer import from_bytes  # only for dense non-Western legacy text

    best = from_bytes(legacy).best()
    if best is None:
        return "cp1252"
    return codecs.lookup(best.encoding).name


def decode(raw: bytes, declared: str | None = None) -> Decoded:
    """Decode `raw` to text; record every byte that had to be replaced.

    `declared` is the charset a document names for itself (an HTML meta tag): a
    byte-order mark overrides it, and it is used only if the bytes decode with it and
    it is not a legacy single-byte charset named on UTF-8 bytes (`_misread_utf8`).
    """
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            result = Decoded("", encoding, bom=True)
            result.text = _decode_recorded(raw[len(bom) :], encoding, len(bom), result)
            return result
    utf16 = _utf16_without_bom(raw)  # before UTF-8: NUL-laden UTF-16 is also valid UTF-8
    if utf16:
        result = Decoded("", utf16)
        result.text = _decode_recorded(raw, utf16, 0, result)
        return result
    if declared and declared != "utf-8" and not _misread_utf8(raw, declared):
        try:
            return Decoded(raw.decode(declared), declared)
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return Decoded(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    return _decode_by_line(raw)


def _misread_utf8(raw: bytes, declared: str) -> bool:
    """A page that declares a single-byte charset (windows-1251, iso-8859-2, koi8-r...)
    but whose bytes are UTF-8: valid throughout, with multibyte sequences. Text in those
    charsets has runs of high-byte letters that UTF-8 does not allow, so it is never
    valid UTF-8 beyond a stray pair; read as declared, it would be silent mojibake
    ("rГ©uni"). cp1252 (what latin-1 declarations mean) is left to `fix_encoding`, which
    repairs that mojibake with an edit in the diff log, as before."""
    if declared == "cp1252" or not _single_byte(declared) or _UTF8_MULTIBYTE.search(raw) is None:
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@lru_cache(maxsize=64)
def _single_byte(codec: str) -> bool:
    try:
        return len(bytes(range(0x80, 0x100)).decode(codec, errors="replace")) == 0x80
    except LookupError:
        return False


_TYPOGRAPHY = set("“”‘’–—…•€£©®°±×÷«»¡¿§¶·")


def _plausible_cp1252(line: bytes) -> bool:
    """Do this line's high bytes read as Western text in cp1252 (letters inside
    words, typographic punctuation), or as noise (a lone 'ÿþ')?"""
    plausible = total = 0
    for i, byte in enumerate(line):
        if byte < 0x80:
            continue
        total += 1
        char = bytes([byte]).decode("cp1252", errors="_boilerstrip_latin1")
        neighbours = line[max(0, i - 1) : i] + line[i + 1 : i + 2]
        if char in _TYPOGRAPHY or (char.isalpha() and any(chr(b).isalpha() for b in neighbours if b < 0x80)):
            plausible += 1
    return total > 0 and plausible / total >= 0.8


def _decode_by_line(raw: bytes) -> Decoded:
    """Each line in its own encoding: a UTF-8 file with one pasted cp1252 paragraph
    comes out right; stray bytes in a UTF-8 line become U+FFFD and are recorded."""
    lines = raw.split(b"\n")
    utf8_lines = [bool(_UTF8_MULTIBYTE.search(line)) for line in lines]
    file_has_utf8 = any(utf8_lines)
    kinds: list[str] = []
    legacy_lines: list[bytes] = []
    for line, has_utf8 in zip(lines, utf8_lines, strict=True):
        try:
            line.decode("utf-8")
            kinds.append("utf-8")
            continue
        except UnicodeDecodeError:
            pass
        if file_has_utf8 and (has_utf8 or not _plausible_cp1252(line)):
            kinds.append("utf-8*")
        else:
            kinds.append("legacy")
            legacy_lines.append(line)
    legacy = _legacy_codec(legacy_lines) if legacy_lines else ""
    result = Decoded("", "")
    out: list[str] = []
    offset = 0
    for line, kind in zip(lines, kinds, strict=True):
        if kind == "utf-8":
            out.append(line.decode("utf-8"))
        elif kind == "utf-8*":
            out.append(_decode_recorded(line, "utf-8", offset, result))
        elif legacy == "cp1252":
            out.append(_sloppy_cp1252(line))
        else:
            out.append(_decode_recorded(line, legacy, offset, result))
        offset += len(line) + 1
    result.text = "\n".join(out)
    has_utf8 = any(k == "utf-8*" for k in kinds) or any(
        k == "utf-8" and _HIGH_BYTE.search(line) for line, k in zip(lines, kinds, strict=True)
    )
    used = ({"utf-8"} if has_utf8 else set()) | ({legacy} if legacy else set())
    if len(used) > 1:
        result.encoding = "mixed:" + "+".join(sorted(used))
    else:
        result.encoding = used.pop() if used else "utf-8"
    return result
