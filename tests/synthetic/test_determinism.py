"""Same seed, same bytes; another seed, another market; fleet households leave the sample
household and the market untouched."""

from __future__ import annotations

from pathlib import Path

from tools.synthetic import OUTPUT_FILES, GenerationSummary, generate_data_dir


def _contents(root: Path) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in OUTPUT_FILES}


def test_same_seed_writes_byte_identical_files(
    tmp_path: Path, data_dir: Path, summary: GenerationSummary
) -> None:
    again = generate_data_dir(tmp_path / "again", seed=7, households=3)
    assert _contents(tmp_path / "again") == _contents(data_dir)
    assert again.model_dump(exclude={"out"}) == summary.model_dump(exclude={"out"})


def test_another_seed_gives_another_market_and_households(tmp_path: Path, data_dir: Path) -> None:
    generate_data_dir(tmp_path / "other", seed=8, households=3)
    other = _contents(tmp_path / "other")
    original = _contents(data_dir)
    for name in ("securities.csv", "prices.csv", "benchmark.csv", "transactions.csv"):
        assert other[name] != original[name], name


def test_fleet_households_do_not_change_the_market_or_the_sample_household(
    tmp_path: Path, data_dir: Path
) -> None:
    generate_data_dir(tmp_path / "alone", seed=7, households=0)
    alone = _contents(tmp_path / "alone")
    with_fleet = _contents(data_dir)
    for name in ("securities.csv", "prices.csv", "benchmark.csv", "pending.csv"):
        assert alone[name] == with_fleet[name], name
    rivera_rows = [
        line for line in with_fleet["transactions.csv"].decode().splitlines() if ",rivera-" in line
    ]
    assert alone["transactions.csv"].decode().splitlines()[1:] == rivera_rows
