"""Terminal-safe text: registry text is data, so control, bidi, zero-width and other
invisible characters are shown as visible escapes wherever it is printed.
"""

from __future__ import annotations

import re
import unicodedata

# C0/C1 controls, bidi controls and marks, zero-width and invisible formatting characters,
# line/paragraph separators, the BOM, interlinear annotations, soft hyphen, Hangul fillers,
# the Mongolian vowel separator, variation selectors and tag characters: each either
# moves the cursor, reorders text or looks like nothing, so look-alike names could hide.
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb"
    "\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
)


# What XML 1.0 cannot hold at all, not even as a character reference: writers of XML and SVG
# drop it.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(text: str, keep_newlines: bool = True) -> str:
    """Text with terminal controls, bidi and invisible characters escaped (\\x1b, \\u202e)."""
    if text.isascii() and text.isprintable():  # most text: nothing to escape, no search
        return text
    text = UNSAFE.sub(_escape, text)
    if not keep_newlines:
        text = text.replace("\n", "\\n")
    return text


def flat(text: str) -> str:
    """One line for TSV: whitespace runs (tabs, newlines) become one space."""
    if text.isascii() and text.isprintable() and "  " not in text and text.strip() == text:
        return text  # most text: one line already, nothing to escape
    return visible(" ".join(text.split()))


def invisible_characters(text: str) -> list[str]:
    """The invisible or control characters in text (newlines and tabs excepted), escaped."""
    if text.isascii() and text.isprintable():  # most text: none, no search
        return []
    return [_escape(m) for m in UNSAFE.finditer(text) if m.group() not in "\t\n"]


_BLANKS = frozenset("\u115f\u1160\u3164\uffa0")


def fold(text: str) -> str:
    """Text as matching compares it: invisible characters removed, compatibility forms and
    accents folded (NFKD without combining marks), case folded. 'Europ\u00adean' -> 'european'."""
    if not text.isascii():
        # Hangul fillers show as blank space, the others as nothing at all.
        text = UNSAFE.sub(lambda m: " " if m.group() in _BLANKS else "", text)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return text.casefold()


def wrapped(text: str, width: int | None, indent: str = "  ") -> str:
    """A message wrapped at word boundaries to width (None: as it is), each further line
    indented. A word longer than the width (a file path) stays whole on its line, so the
    FILE:LINE:COL a message begins with is never cut."""
    if width is None or all(len(line) <= width for line in text.split("\n")):
        return text
    import textwrap

    return "\n".join(
        textwrap.fill(
            line,
            max(width, len(indent) + 20),
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
        for line in text.split("\n")
    )
