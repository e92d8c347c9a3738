"""What changed between two versions of a registry: projects added, removed, renamed,
and changed field by field, in the registry's own words; then the registry's source
and organisations (field "source", "organisation").

Projects are matched by id (as `show` matches them: model.id_key). A project that
vanished under one id and appeared under another with the same content is a
rename, not a removal and an addition. Versions from git revisions are read with
`git show` (versions_at), so the diff of a pull request to a registry is one command.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import NamedTuple

from projreg.errors import ProjregError, UsageError
from projreg.model import schema
from projreg.model.fields import _plain, as_text
from projreg.model.problems import RegistryError
from projreg.model.project import Project, Registry, id_key
from projreg.registry.encode import to_registry

ADDED, REMOVED, RENAMED, CHANGED = "added", "removed", "renamed", "changed"


class Change(NamedTuple):
    """One difference. `old` and `new` are text as a reader says it (dates: June 2018)."""

    change: str
    id: str
    field: str | None = None
    old: str | None = None
    new: str | None = None

    def describe(self) -> str:
        """One line: 'ENIGMMA-2 end: November 2020 → November 2021'."""
        if self.change == CHANGED:
            return f"{self.id} {self.field}: {self.old or '—'} → {self.new or '—'}"
        if self.change == RENAMED:
            return f"{self.old} renamed to {self.new}"
        return f"{self.id} {self.change}: {self.old or self.new}"


def value_text(field: schema.Field, value) -> str | None:
    """A field's value as one line of text; None when the project leaves it out."""
    if value is None or value == ():
        return None
    if field.kind == schema.DATE:
        return value.human()
    return as_text(_plain(field, value)) or None


def _content(project: Project) -> dict:
    entry = to_registry(project)
    entry.pop("id", None)
    return entry


def compare(old: Registry, new: Registry) -> list[Change]:
    """The changes from old to new: removed, renamed, added, then changed, in registry order."""
    new_by_key = {id_key(p.id): p for p in new.projects}
    old_keys = {id_key(p.id) for p in old.projects}
    removed = [p for p in old.projects if id_key(p.id) not in new_by_key]
    added = [p for p in new.projects if id_key(p.id) not in old_keys]
    changes: list[Change] = []
    renamed_to: dict[str, Project] = {}
    for project in removed:
        content = _content(project)
        twin = next(
            (p for p in added if p.id not in renamed_to and _content(p) == content),
            None,
        )
        if twin is not None:
            renamed_to[twin.id] = project
            changes.append(Change(RENAMED, twin.id, "id", project.id, twin.id))
        else:
            changes.append(Change(REMOVED, project.id, old=project.title))
    changes += [Change(ADDED, p.id, new=p.title) for p in added if p.id not in renamed_to]
    for before in old.projects:
        after = new_by_key.get(id_key(before.id))
        if after is None or after == before:
            continue
        for field in schema.PROJECT:
            was, now = getattr(before, field.name), getattr(after, field.name)
            if was != now:
                changes.append(
                    Change(
                        CHANGED,
                        after.id,
                        field.name,
                        value_text(field, was),
                        value_text(field, now),
                    )
                )
    return changes + _registry_changes(old, new)


def _organisation_text(organisation) -> str:
    field = schema.TOP[1]
    parts = [
        f"{part.name}: {value_text(part, getattr(organisation, part.name))}"
        for part in field.parts[1:]
        if value_text(part, getattr(organisation, part.name))
    ]
    return "; ".join(parts) or organisation.name


def _registry_changes(old: Registry, new: Registry) -> list[Change]:
    """What changed outside the projects: the source, and the organisations (by name)."""
    changes = []
    before, after = "\n".join(old.source_notes), "\n".join(new.source_notes)
    if before != after:
        changes.append(Change(CHANGED, "", "source", before or None, after or None))
    olds = {o.name: o for o in old.organisations}
    news = {o.name: o for o in new.organisations}
    for name, organisation in olds.items():
        if name not in news:
            changes.append(Change(REMOVED, name, "organisation", _organisation_text(organisation)))
        elif news[name] != organisation:
            changes.append(
                Change(
                    CHANGED,
                    name,
                    "organisation",
                    _organisation_text(organisation),
                    _organisation_text(news[name]),
                )
            )
    changes += [
        Change(ADDED, name, "organisation", None, _organisation_text(o))
        for name, o in news.items()
        if name not in olds
    ]
    return changes


# --- versions from git ----------------------------------------------------------------------


class AtRevision(RegistryError):
    """A broken version from git, its problems shown as REV:PATH (rendered while the
    temporary files, which hold the offending lines, still exist)."""

    def __init__(self, error: RegistryError, revisions: dict, target: Path):
        super().__init__(error.problems)
        text = error.render()
        folder = target if target.is_dir() else target.parent
        label = "" if str(folder) == "." else f"{folder}/"
        for read, revision in revisions.items():
            root = read if read.is_dir() else read.parent
            text = text.replace(f"{root}/", f"{revision}:{label}")
        self.text = text

    def render(self, width: int | None = None) -> str:
        return self.text  # rendered once, while the files it quotes existed (unwrapped)


class GitError(ProjregError):
    """git is missing, or cannot give the registry at a revision."""


def _git(args: list[str], cwd: Path) -> bytes:
    """git's output as bytes (a registry file is passed on as it is, for the loader to judge)."""
    if shutil.which("git") is None:
        raise GitError("comparing git revisions needs git, which is not installed")
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, timeout=60)
    except OSError as error:
        raise GitError(f"cannot run git: {error.strerror or error}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return done.stdout


def is_revision(text: str, cwd: Path) -> bool:
    """Whether git, run in cwd, knows text as a commit."""
    if shutil.which("git") is None:
        raise GitError(
            f"{text!r} is no file, and comparing git revisions needs git (not installed)"
        )
    if text.startswith("-"):
        return False
    done = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{text}^{{commit}}"],
        cwd=cwd,
        capture_output=True,
        check=False,
        timeout=60,
    )
    return done.returncode == 0


@contextmanager
def version_at(revision: str, path: Path):
    """The registry at path (a file or a folder) as it was at a git revision, in a
    temporary folder that is removed afterwards; yields the path to load."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    if not folder.is_dir():
        raise GitError(f"{folder} is not a folder in a git repository")
    if path.is_dir() or not path.suffix:
        listing = _git(["ls-tree", "--name-only", revision, "--", "./"], folder).decode()
        names = [n for n in listing.splitlines() if n.endswith((".yaml", ".yml")) and "/" not in n]
        if not names:
            raise GitError(f"{path} holds no *.yaml files at {revision}")
    else:
        names = [path.name]
    with tempfile.TemporaryDirectory(prefix="projreg-diff-") as temporary:
        # The folder is named after the revision, so that messages say where a file came from.
        safe = "".join(c if c.isalnum() or c in "-_.~^" else "_" for c in revision)
        root = Path(temporary) / safe
        root.mkdir()
        for name in names:
            (root / name).write_bytes(_git(["show", f"{revision}:./{name}"], folder))
        yield root if path.is_dir() or len(names) > 1 else root / names[0]


def versions(
    given: list[str], in_use: Callable[[], Path], use_cache: bool = True
) -> tuple[Registry, Registry]:
    """The two registries `projreg diff` compares: two files or folders; or one or two git
    revisions, then at most one path (after `--`, as with git; default: in_use()). One
    revision is compared with the working tree. Raises UsageError for anything else."""
    from projreg.registry.load import load_registry

    exists = [Path(v).exists() for v in given]
    if len(given) == 2 and all(exists):
        old, new = (load_registry(Path(v), use_cache=use_cache) for v in given)
        return old, new
    count = exists.index(True) if True in exists else len(given)
    revisions, paths = given[:count], [Path(v) for v in given[count:]]
    if not 1 <= len(revisions) <= 2 or len(paths) > 1 or not all(exists[count:]):
        raise UsageError(
            "give two registry files or folders, or one or two git revisions "
            "(then -- and the registry's path)"
        )
    target = paths[0] if paths else in_use()
    for revision in revisions:
        if not is_revision(revision, target if target.is_dir() else target.parent):
            raise UsageError(f"{revision!r} is neither a file nor a git revision")
    with ExitStack() as stack:
        read = [stack.enter_context(version_at(r, target)) for r in revisions]
        if len(read) == 1:
            read.append(target)  # one revision: against the working tree
        try:
            # Versions from git live in temporary files: never worth a cache entry.
            old, new = (load_registry(v, use_cache=use_cache and v == target) for v in read)
        except RegistryError as error:
            raise AtRevision(error, dict(zip(read, revisions, strict=False)), target) from None
    return old, new
