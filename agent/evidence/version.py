"""Which code wrote a record: the package version, plus the git commit when run from a checkout.

The commit is read from the ``.git`` directory's files (no ``git`` executable needed); an
installed wheel has none and reports the package version alone. Uncommitted edits are not
detected.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PACKAGE = "lotwise"
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
SHORT_COMMIT = 12


@cache
def code_version() -> str:
    """``"0.1.0+g<12 hex>"`` from a git checkout, else ``"0.1.0"``."""
    try:
        package_version = version(PACKAGE)
    except PackageNotFoundError:
        package_version = "0+unknown"
    commit = git_commit(Path(__file__).resolve().parent)
    return f"{package_version}+g{commit[:SHORT_COMMIT]}" if commit else package_version


def git_commit(start: Path) -> str | None:
    """The commit checked out in the repository containing ``start``, if any."""
    git_dir = _find_git_dir(start)
    if git_dir is None:
        return None
    try:
        head = (git_dir / "HEAD").read_text().strip()
    except OSError:
        return None
    if _COMMIT.match(head):
        return head
    if not head.startswith("ref: "):
        return None
    return _resolve_ref(_common_dir(git_dir), head.removeprefix("ref: ").strip())


def _find_git_dir(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / ".git"
        if candidate.is_dir():
            return candidate
        if candidate.is_file():  # a worktree: ".git" names the real git directory
            text = candidate.read_text().strip()
            if text.startswith("gitdir: "):
                return (folder / text.removeprefix("gitdir: ")).resolve()
    return None


def _common_dir(git_dir: Path) -> Path:
    pointer = git_dir / "commondir"
    if pointer.is_file():
        return (git_dir / pointer.read_text().strip()).resolve()
    return git_dir


def _resolve_ref(common_dir: Path, ref: str) -> str | None:
    loose = common_dir / ref
    if loose.is_file():
        value = loose.read_text().strip()
        return value if _COMMIT.match(value) else None
    packed = common_dir / "packed-refs"
    if packed.is_file():
        for line in packed.read_text().splitlines():
            sha, _, name = line.partition(" ")
            if name == ref and _COMMIT.match(sha):
                return sha
    return None
