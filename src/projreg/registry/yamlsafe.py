"""Strict, safe YAML reading that remembers where every value came from.

- Only plain data: PyYAML's safe loader, so tags such as !!python/object are refused.
- YAML 1.2 core scalars: only true/false are booleans, so NO (Norway), yes and
  on stay text; dates stay text too, for the registry's own date parser.
- A key given twice in one mapping is an error, not "last one wins".
- Mappings and sequences come back as dict and list subclasses that carry the
  1-based line and column of every key and item, for error messages.
"""

from __future__ import annotations

import re

import yaml

_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Position = tuple[int, int]


class Mapping(dict):
    """A dict that knows the position of itself, each key and each value."""

    __slots__ = ("key_positions", "position", "value_positions")
    key_positions: dict[object, Position]
    position: Position
    value_positions: dict[object, Position]


class Sequence(list):
    """A list that knows the position of itself and of each item."""

    __slots__ = ("item_positions", "position")
    item_positions: list[Position]
    position: Position


class DuplicateKey(Exception):
    def __init__(self, key: str, first: Position, second: Position):
        self.key, self.first, self.second = key, first, second
        super().__init__(f"key {key!r} appears twice (first on line {first[0]})")


def _position(node) -> Position:
    mark = node.start_mark
    return mark.line + 1, mark.column + 1


class Loader(_BASE):  # type: ignore[valid-type,misc]  # the C loader when PyYAML has one
    """PyYAML's safe loader with YAML 1.2 core scalars and position-aware containers."""

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicates: list[DuplicateKey] = []


Loader.yaml_implicit_resolvers = {}
for tag, pattern, first in (
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ("bool", r"true|True|TRUE|false|False|FALSE", list("tTfF")),
    ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", list("-+0123456789")),
    (
        "float",
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
        list("-+.0123456789"),
    ),
):
    Loader.add_implicit_resolver(f"tag:yaml.org,2002:{tag}", re.compile(rf"^(?:{pattern})$"), first)

_DEFAULT_TAGS = {
    yaml.ScalarNode: Loader.DEFAULT_SCALAR_TAG,
    yaml.SequenceNode: Loader.DEFAULT_SEQUENCE_TAG,
    yaml.MappingNode: Loader.DEFAULT_MAPPING_TAG,
}


def _resolve(self, kind, value, implicit):
    """BaseResolver.resolve for these resolvers alone (no wildcard, no path resolvers):
    libyaml's composer calls it once per node, 144,000 times for a 16,000-project file."""
    if kind is yaml.ScalarNode and implicit[0]:
        for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
            if regexp.match(value):
                return tag
    return _DEFAULT_TAGS[kind]


assert not Loader.yaml_path_resolvers and None not in Loader.yaml_implicit_resolvers
Loader.resolve = _resolve


def plain_is_text(value: str) -> bool:
    """Would this string, written unquoted, load back as text under our YAML 1.2 rules, and
    leave the fast path open? (`00081406_2012_2013` is text to both readers, but a number
    form the fast path declines, so a file holding it plain is read the slow way.)"""
    candidates = Loader.yaml_implicit_resolvers.get(value[:1] if value else "", [])
    if any(pattern.match(value) for _tag, pattern in candidates):
        return False
    return not (_number_form(value) or _other_number_form(value) or _reads_apart(value))


def _construct_int(loader: Loader, node) -> int:
    text = loader.construct_scalar(node)
    if text[:2] in ("0o", "0x"):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)


class Float(float):
    """A float that remembers how it was written: amounts are read from their text."""

    __slots__ = ("text",)
    text: str


def _construct_float(loader: Loader, node) -> Float:
    value = Float(loader.construct_yaml_float(node))
    value.text = node.value
    return value


_STR = "tag:yaml.org,2002:str"


def _construct(loader: Loader, node):
    """loader.construct_object(node, deep=True), a plain scalar (most values) made by its
    constructor directly: the same value, without construct_object's bookkeeping (kept
    for shared and recursive nodes, which a scalar never holds) for each of them."""
    if node.__class__ is yaml.ScalarNode:
        tag = node.tag
        if tag == _STR:
            return node.value
        constructor = _SCALARS.get(tag)
        if constructor is not None:
            return constructor(loader, node)
    return loader.construct_object(node, deep=True)


def _construct_mapping(loader: Loader, node) -> Mapping:
    data = Mapping()
    data.position = _position(node)
    # Positions written out here, not by _position: this runs for every key and value.
    key_positions: dict[object, Position] = {}
    value_positions: dict[object, Position] = {}
    data.key_positions, data.value_positions = key_positions, value_positions
    if any(key_node.tag in _FLATTENED for key_node, _ in node.value):
        loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = _construct(loader, key_node)
        if key.__class__ is not str:
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                ) from None
        mark = key_node.start_mark
        if key in data:
            loader.duplicates.append(
                DuplicateKey(str(key), key_positions[key], (mark.line + 1, mark.column + 1))
            )
            continue
        data[key] = _construct(loader, value_node)
        key_positions[key] = mark.line + 1, mark.column + 1
        mark = value_node.start_mark
        value_positions[key] = mark.line + 1, mark.column + 1
    return data


def _construct_sequence(loader: Loader, node) -> Sequence:
    data = Sequence(_construct(loader, child) for child in node.value)
    data.position = _position(node)
    data.item_positions = [_position(child) for child in node.value]
    return data


Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
_SCALARS = {
    f"tag:yaml.org,2002:{name}": Loader.yaml_constructors[f"tag:yaml.org,2002:{name}"]
    for name in ("null", "bool", "int", "float")
}
# Keys flatten_mapping rewrites (merge keys `<<` given as !!merge, and !!value).
_FLATTENED = frozenset(("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"))


NOT_FAST = object()
# Text the fast parser reads differently from YAML 1.2 core as load() applies it goes to
# load() instead: tags (yaml-rs ignores unknown ones, !!python/... included), anchors and
# aliases, characters YAML forbids (yaml-rs accepts some), and number forms yaml-rs
# accepts beyond the core schema (1_000, 0b101, 0O17). Each test is a quick scan first.
# Searched as the mark and a look back: a pattern that starts with the alternative tries
# every position (1.6 s for a 90 MB IATI-shaped registry; the marks alone take 0.05 s).
_TAG_OR_ALIAS = re.compile(r"[!&*]\S")
# Only where a scalar can begin (start of line, after a space or a flow/mapping/sequence
# indicator): `0B_DU6` inside an address or `EC_1` inside an id is text to both parsers,
# and a file full of such text should not lose the fast path.
# Searched as two literal scans and a look back, not as one pattern that starts with the
# alternative (which tries every position: 3.4 s for a 68 MB registry, against 0.1 s).
_BASE_PREFIX = re.compile(r"0[bBO]")
_ANY_BASE = re.compile(r"0[bBOoxX]")
_UNDERSCORE = re.compile(r"_\d")
_NUMBER_CHARS = frozenset("0123456789abcdefABCDEFxXoO_+-.")
_NUMBER = re.compile(
    r"[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?|[0-9]+\.)"
)
_TAB_AFTER_DASH = re.compile(r"-[ \t]*\t")
_SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F]")
_SCALAR_START = frozenset(" \t\r\n[]{},:?-")
# A number of 16 digits or more is more than a float holds: only load() keeps its text.
# (A run of 16 digits and dots: the fastest pattern that finds them, 0.3 s for 70 MB.)
_LONG_NUMBER = re.compile(r"[0-9][0-9.]{15}")


# A line whose value is one single-quoted scalar, after `key: ` or `- `: what the writers
# write for text that looks like a number, a URL with a long run of digits, a ref such as
# '22482-001_2021_2025'. Inside it nothing begins a scalar, a tag or a key, so a form the
# checks below look for there is text to every reader. (Were the line inside a block or a
# multi-line scalar, it would be text all the same; a quote closing a scalar begun on an
# earlier line leaves text after it, which yaml-rs refuses.)
_QUOTED_LINE = re.compile(
    r" *(?:- +)*(?:[A-Za-z_][A-Za-z0-9_-]*: +|- +)('(?:[^'\n]|'')*')[ ]*(?:\n|\Z)"
)


def _quoted(text: str, at: int) -> bool:
    """Is text[at] inside the single-quoted value of its line (_QUOTED_LINE)?"""
    match = _QUOTED_LINE.match(text, text.rfind("\n", 0, at) + 1)
    return match is not None and match.start(1) < at < match.end(1) - 1


def _number_form(text: str) -> bool:
    """Does text hold 0b.., 0O.. or digits with _ where a scalar begins (see above), or a
    run of 16 digits, outside a quoted value?"""
    for match in _LONG_NUMBER.finditer(text):
        if not _quoted(text, match.start()):
            return True
    for match in _BASE_PREFIX.finditer(text):
        if _scalar_starts(text, match.start()) and not _quoted(text, match.start()):
            return True
    for match in _UNDERSCORE.finditer(text):
        start = match.start()
        while start and text[start - 1] in "0123456789.":
            start -= 1
        if start < match.start() and _scalar_starts(text, start) and not _quoted(text, start):
            return True
    return False


def _other_number_form(text: str) -> bool:
    """Number forms beyond those: a signed +0x10 or -0o17 (text to YAML 1.2 core, a
    number to yaml-rs), or a scalar that is a number once its underscores go (_1, 1__0,
    0x1_0)."""
    for match in _ANY_BASE.finditer(text):
        at = match.start()
        signed = at and text[at - 1] in "+-" and (at == 1 or text[at - 2] in _SCALAR_START)
        if signed and not _quoted(text, at):
            return True
    return "_" in text and _underscored_number(text)


def _underscored_number(text: str) -> bool:
    """A plain scalar that, without its underscores, is a number (1_000, _1, 1__0, 0x1_0):
    yaml-rs reads it as that number, YAML 1.2 core as text."""
    at = text.find("_")
    size = len(text)
    while at != -1:
        start = end = at
        while start and text[start - 1] in _NUMBER_CHARS:
            start -= 1
        while end < size and text[end] in _NUMBER_CHARS:
            end += 1
        if (
            (start == 0 or text[start - 1] in _SCALAR_START)
            and _NUMBER.fullmatch(text[start:end].replace("_", ""))
            and not _quoted(text, start)
        ):
            return True
        at = text.find("_", end)
    return False


def _reads_apart(text: str) -> bool:
    """Forms yaml-rs reads where the careful reader refuses or reads otherwise: a tab after
    a list's dash, `?` where a scalar begins (a key indicator to one, text to the other),
    an escaped surrogate (yaml-rs pairs them into one character)."""
    if "\t" in text and _TAB_AFTER_DASH.search(text):
        return True
    if "?" in text:
        at = text.find("?")
        while at != -1:
            if (at == 0 or text[at - 1] in _SCALAR_START) and not _quoted(text, at):
                return True
            at = text.find("?", at + 1)
    return "\\" in text and _SURROGATE_ESCAPE.search(text) is not None


def _tag_or_alias(text: str) -> bool:
    """Is there a !, & or * followed by text at the start, after whitespace or after one of
    []{},:- (where a tag, an anchor or an alias can be)?"""
    for match in _TAG_OR_ALIAS.finditer(text):
        start = match.start()
        where = start == 0 or text[start - 1].isspace() or text[start - 1] in "[]{},:-"
        if where and not _quoted(text, start):
            return True
    return False


def _scalar_starts(text: str, start: int) -> bool:
    """Can a plain scalar begin at start, or at a sign just before it?"""
    if start == 0 or text[start - 1] in _SCALAR_START:
        return True
    return text[start - 1] in "+-" and (start == 1 or text[start - 2] in _SCALAR_START)


_FORBIDDEN = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\r"


# yaml-rs recurses once per level of block nesting and crashes (a segfault, at about
# 12,000 levels) on deep input, so text that might nest deeply never reaches it. Block
# nesting needs indentation or a run of "- " on one line ("- - - -"); these bound the
# depth from above, cheaply, and far below the crash. (It limits flow nesting itself.)
_FAST_DEPTH = 100
_DEEP_INDENT = re.compile(rf"\n {{{_FAST_DEPTH}}}")
_TWO_DASHES = re.compile(r"-[ \t]+-")
_MANY_DASHES = re.compile(rf"(?:-[ \t]+){{{_FAST_DEPTH}}}")


def _may_nest_deeply(text: str) -> bool:
    if text.startswith(" " * _FAST_DEPTH) or _DEEP_INDENT.search(text):
        return True
    return any(_MANY_DASHES.match(text, m.start()) for m in _TWO_DASHES.finditer(text))


def _needs_care(text: str) -> bool:
    if text.startswith("%") or "\n%" in text:  # a directive (%YAML 2.0): load() checks them
        return True
    if _may_nest_deeply(text):
        return True
    if ("!" in text or "&" in text or "*" in text) and _tag_or_alias(text):
        return True
    if _number_form(text) or _other_number_form(text) or _reads_apart(text):
        return True
    if text.isascii():
        return bool(text.encode("ascii").translate(None, _PRINTABLE_ASCII))
    return _FORBIDDEN.search(text) is not None


def _fast_parser(text: str):
    """yaml-rs, when it may read text (installed, and the text uses nothing it reads
    differently: _needs_care); else None."""
    if _needs_care(text):
        return None
    try:
        import yaml_rs
    except ImportError:
        return None
    return yaml_rs


def load_fast(text: str):
    """Plain data from the Rust parser yaml-rs (YAML 1.2, duplicate keys refused), or NOT_FAST.

    NOT_FAST when yaml-rs is missing, the text may use tags, anchors, aliases or
    number forms outside YAML 1.2 core, or yaml-rs refuses it: then load() must
    read it, and will say what is wrong.
    """
    yaml_rs = _fast_parser(text)
    if yaml_rs is None:
        return NOT_FAST
    try:
        return yaml_rs.loads(text, parse_datetime=False)
    except Exception:  # its errors carry no positions for our messages; load() will say
        return NOT_FAST


class NotInPieces(Exception):
    """A piece of the projects list did not parse as the whole text would: read it whole."""


# A registry's projects parsed a few hundred at a time (load_fast_in_pieces): the parsed
# tree of a whole 100,000-project file is ten times the file (a gigabyte), a piece's is a
# few megabytes.
_PROJECTS_KEY = re.compile(r"projects:[ ]*\n")
_FIRST_ITEM = re.compile(r"(?:[ ]*(?:#[^\n]*)?\n)*( *)-(?:[ \n]|\Z)")
PIECE = 500  # projects
_PIECE_END = "projreg-piece-end"


def load_fast_in_pieces(text: str, size: int = PIECE):
    """What load_fast(text) gives, read a piece at a time: (the document with its projects
    list left empty, an iterator of the list's items, `size` at a time); NOT_FAST when the
    text does not split where the pieces certainly mean what they mean in the whole.

    It splits when the projects are a block list under a `projects:` line at the left
    margin, each item starting `- ` at one indentation d, every other line of the list
    indented further, blank or a comment, and what follows it at the left margin. Each
    piece is parsed alone under `projects:`, and must give as many items as it has lines
    starting `- ` at d: if not (a quoted text or a flow list running over such a line),
    the iterator raises NotInPieces and the caller reads the text whole.
    """
    yaml_rs = _fast_parser(text)
    if yaml_rs is None:
        return NOT_FAST
    if text.startswith(("---", "...")) or "\n---" in text or "\n..." in text:
        return NOT_FAST  # document markers: more than one document, or an ending
    if text.count("\nprojects:") + text.startswith("projects:") != 1:
        return NOT_FAST  # none, or more than one: load_fast says which
    key = _PROJECTS_KEY.match(
        text, 0 if text.startswith("projects:") else text.find("\nprojects:") + 1
    )
    if key is None:
        return NOT_FAST  # projects: [...] on one line, or a comment after the key
    start = key.end()
    first = _FIRST_ITEM.match(text, start)
    if first is None:
        return NOT_FAST
    indent = len(first.group(1))
    other_line = re.compile(rf"\n(?! {{{indent}}}-(?:[ \n]|\Z)| {{{indent + 1}}}| *(?:#|\n|\Z))")
    beyond = other_line.search(text, start - 1)
    end = beyond.start() + 1 if beyond else len(text)
    if text[end : end + 1] in (" ", "\t", "-"):
        return NOT_FAST  # what follows the list is not at the left margin
    try:
        # What comes before the key and after the list must each be whole documents on
        # their own: nothing (a quoted text, a flow mapping) left open over the list.
        alone = [
            yaml_rs.loads(part, parse_datetime=False) for part in (text[: key.start()], text[end:])
        ]
        head = yaml_rs.loads(text[:start] + text[end:], parse_datetime=False)
    except Exception:
        return NOT_FAST
    if not all(part is None or isinstance(part, dict) for part in alone):
        return NOT_FAST
    if not isinstance(head, dict) or "projects" not in head or head["projects"] is not None:
        return NOT_FAST
    item = re.compile(rf"\n {{{indent}}}-(?:[ \n]|\Z)")  # a literal first: searched fast
    starts = [m.start() + 1 for m in item.finditer(text, start - 1, end)]
    return head, _pieces(yaml_rs.loads, text, start, end, starts, size)


def _pieces(loads, text: str, start: int, end: int, starts: list[int], size: int):
    for number in range(0, len(starts), size):
        first = start if number == 0 else starts[number]
        last = starts[number + size] if number + size < len(starts) else end
        document = "projects:\n" + text[first:last]
        # A piece the text goes on after ends at a line at the margin, as in the whole text:
        # at the end of the input an empty block text (`|`) would read as "\n", not "".
        follows = last < len(text)
        if follows:
            document += f"{_PIECE_END}: 0\n"
        try:
            piece = loads(document, parse_datetime=False)
        except Exception as error:
            raise NotInPieces from error
        if not isinstance(piece, dict) or len(piece) != 1 + follows:
            raise NotInPieces
        if follows and piece.get(_PIECE_END) != 0:
            raise NotInPieces
        items = piece.get("projects")
        if not isinstance(items, list) or len(items) != min(size, len(starts) - number):
            raise NotInPieces
        yield items


class Refused(yaml.YAMLError):
    """A document that is valid YAML but that we will not build: too deep, too large, recursive."""

    def __init__(self, message: str, position: Position | None, hint: str):
        super().__init__(message)
        self.position, self.hint = position, hint


# Aliases let a small file describe a huge structure ("billion laughs"). We measure
# the structure the aliases describe before building anything, and refuse one that
# is past MAX_EXPANDED_NODES *and* more than MAX_AMPLIFICATION times the document's
# own nodes: the limit is on what aliases add, so a large plain registry passes.
MAX_EXPANDED_NODES = 5_000_000
MAX_AMPLIFICATION = 10
MAX_DEPTH = 64
# Aliases may make the document at most this many characters (of keys and scalar values)
# larger than the file: one long anchored text used a thousand times is a bomb too.
MAX_ALIAS_GROWTH = 16 * 1024 * 1024


def _check_expansion(root, size: int | None = None) -> None:
    """Refuse alias bombs, recursive aliases and absurd nesting, before construction.

    `size`: the characters in the file; aliases (each counted every time it is
    used) may add at most MAX_ALIAS_GROWTH characters of keys and values to it.
    """
    sizes: dict[int, int] = {}
    characters: dict[int, int] = {}
    limit = None if size is None else size + MAX_ALIAS_GROWTH
    # Iterative post-order walk: no Python recursion, whatever the input.
    stack = [(root, 0, False)]
    on_path: set[int] = set()
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            children = _children(node)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            characters[key] = (
                len(node.value)
                if isinstance(node, yaml.ScalarNode)
                else sum(characters[id(child)] for child in children)
            )
            if limit is not None and characters[key] > limit:
                raise Refused(
                    f"aliases expand this document by more than {MAX_ALIAS_GROWTH:,} characters",
                    _position(node),
                    "this looks like an alias bomb; write the data out instead of repeating "
                    "a long text through aliases",
                )
            if sizes[key] > MAX_EXPANDED_NODES and sizes[key] > MAX_AMPLIFICATION * len(sizes):
                raise Refused(
                    f"aliases expand this document to more than {MAX_EXPANDED_NODES:,} values",
                    _position(node),
                    "this looks like an alias bomb; write the data out instead of nesting aliases",
                )
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise Refused(
                "an alias refers to itself", _position(node), "remove the recursive alias"
            )
        if depth > MAX_DEPTH:
            raise Refused(
                f"nested more than {MAX_DEPTH} levels deep",
                _position(node),
                "flatten the structure",
            )
        on_path.add(key)
        stack.append((node, depth, True))
        stack.extend(
            (child, depth + 1, False) for child in _children(node) if id(child) not in sizes
        )


def _check_depth(root) -> None:
    """What _check_expansion refuses in a document without aliases (a tree: no node is
    reached twice, so it can be neither recursive nor larger than the file): nesting past
    MAX_DEPTH, named at the node _check_expansion would name (the last child of the first
    container at MAX_DEPTH it comes to). Only containers are walked."""
    scalar = yaml.ScalarNode
    stack = [] if root.__class__ is scalar else [(root, 0)]
    while stack:
        node, depth = stack.pop()
        children = _children(node)
        if depth == MAX_DEPTH and children:
            raise Refused(
                f"nested more than {MAX_DEPTH} levels deep",
                _position(children[-1]),
                "flatten the structure",
            )
        stack.extend((child, depth + 1) for child in children if child.__class__ is not scalar)


def _children(node) -> list:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def load(text: str) -> tuple[object, list[DuplicateKey]]:
    """Parse one YAML document; raises yaml.YAMLError. Returns the data and its duplicate keys."""
    loader = Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as error:
            if "exceeded maximum nesting depth" not in str(error.problem):
                raise
            mark = error.problem_mark
            raise Refused(
                f"nested more than {MAX_DEPTH} levels deep",
                None if mark is None else (mark.line + 1, mark.column + 1),
                "flatten the structure",
            ) from None
        if node is None:
            return None, []
        if "*" in text:  # an alias may make a node appear twice: measure what they expand to
            _check_expansion(node, len(text))
        else:
            _check_depth(node)
        return loader.construct_document(node), loader.duplicates
    finally:
        loader.dispose()
