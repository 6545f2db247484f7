"""The commit behind ``code_version`` is read from ``.git`` files, in every layout git uses."""

from __future__ import annotations

from pathlib import Path

from agent.evidence.version import git_commit

COMMIT = "0123456789abcdef0123456789abcdef01234567"
OTHER = "fedcba9876543210fedcba9876543210fedcba98"


def _repo(root: Path, head: str) -> Path:
    git = root / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "HEAD").write_text(head + "\n")
    package = root / "agent" / "evidence"
    package.mkdir(parents=True)
    return package


def test_branch_with_a_loose_ref(tmp_path: Path) -> None:
    package = _repo(tmp_path, "ref: refs/heads/main")
    (tmp_path / ".git" / "refs" / "heads" / "main").write_text(COMMIT + "\n")
    assert git_commit(package) == COMMIT


def test_branch_with_a_packed_ref(tmp_path: Path) -> None:
    package = _repo(tmp_path, "ref: refs/heads/main")
    (tmp_path / ".git" / "packed-refs").write_text(
        f"# pack-refs with: peeled fully-peeled sorted\n{OTHER} refs/heads/dev\n"
        f"{COMMIT} refs/heads/main\n"
    )
    assert git_commit(package) == COMMIT


def test_detached_head(tmp_path: Path) -> None:
    assert git_commit(_repo(tmp_path, COMMIT)) == COMMIT


def test_worktree_reads_refs_from_the_common_dir(tmp_path: Path) -> None:
    main = tmp_path / "main"
    _repo(main, "ref: refs/heads/main")
    (main / ".git" / "refs" / "heads" / "feature").write_text(OTHER + "\n")
    worktree_git = main / ".git" / "worktrees" / "feature"
    worktree_git.mkdir(parents=True)
    (worktree_git / "HEAD").write_text("ref: refs/heads/feature\n")
    (worktree_git / "commondir").write_text("../..\n")
    checkout = tmp_path / "feature"
    checkout.mkdir()
    (checkout / ".git").write_text(f"gitdir: {worktree_git}\n")
    assert git_commit(checkout) == OTHER


def test_no_repository_or_unborn_branch(tmp_path: Path) -> None:
    assert git_commit(tmp_path) is None  # pytest's temporary folders are outside any repo
    package = _repo(tmp_path / "repo", "ref: refs/heads/main")
    assert git_commit(package) is None
