"""How --donor, --agency and --search match text: one rule, written once.

Text is compared folded (text.fold): without case, accents or invisible characters.
A value matches a name when

- its words are the beginnings of consecutive words of the name, in order:
  `German` matches "Federal Republic of Germany", `European Union` matches
  "European Union Delegation", `migr` matches "migration" (but not "immigration":
  a word's beginning, never its middle); or
- it is the name's acronym: `ICMPD` matches "International Centre for Migration
  Policy Development" (initials, with or without the small words of, for, the...).

An organisation's names are its own, its aliases and the names of what it is part of
(the registry's `organisations`), so `EU` finds the European Commission. --search
applies the first rule to a project's id, titles, objectives, descriptions and notes.
"""

from __future__ import annotations

import re
from functools import lru_cache

from projreg.model.text import fold

_WORD = re.compile(r"\w+")
_SMALL_WORDS = frozenset(
    [
        "of",
        "for",
        "the",
        "and",
        "in",
        "on",
        "to",
        "a",
        "an",
        "at",
        "de",
        "des",
        "du",
        "la",
        "le",
        "les",
        "el",
        "y",
        "und",
        "fur",
        "der",
        "die",
        "das",
    ]
)


def words(text: str) -> tuple[str, ...]:
    """The folded words of text: 'Europ\\u00adean Union-2' -> ('european', 'union', '2')."""
    return tuple(_WORD.findall(fold(text)))


class Needle:
    """A value to look for, prepared once: its words, and a pattern over folded words."""

    def __init__(self, value: str):
        self.value = value
        self.words = words(value)
        self._pattern = (
            re.compile(r"(?<!\w)" + r"\w* ".join(map(re.escape, self.words)))
            if self.words
            else None
        )

    def __bool__(self) -> bool:
        return bool(self.words)

    def in_text(self, text: str) -> bool:
        """Do the needle's words begin consecutive words of text?"""
        return self._found(folded(text))

    def names(self, name: str) -> bool:
        """Does the needle match this name: word beginnings, or the name's acronym?"""
        if self._found(_folded_name(name)):
            return True
        return len(self.words) == 1 and self.words[0] in acronyms(name)

    def _found(self, folded_text: str) -> bool:
        return self._pattern is not None and self._pattern.search(folded_text) is not None


def folded(text: str) -> str:
    """Text as its folded words joined by single spaces (what Needle patterns search)."""
    return " ".join(words(text))


# Names recur across projects (a few hundred organisations): fold each once.
_folded_name = lru_cache(maxsize=65536)(folded)


@lru_cache(maxsize=65536)
def acronyms(name: str) -> frozenset[str]:
    """The name's initials, with and without small words: ICMPD and ICFMPD."""
    parts = words(name)
    if len(parts) < 2:
        return frozenset()
    return frozenset(
        {"".join(w[0] for w in parts), "".join(w[0] for w in parts if w not in _SMALL_WORDS)}
    )
