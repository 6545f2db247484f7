"""A review of a household the data does not have is refused, naming the known ones.

With one household in the data, the chat used to review that one whatever name was typed.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from agent.chat.intents import parse_command
from agent.chat.session import ChatSession
from agent.review.runner import ReviewRunner


def _one_household(data_dir: Path) -> None:
    """Move hh-b's account into hh-a, so hh-a is the only household."""
    path = data_dir / "accounts.csv"
    with path.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    for row in rows:
        row["household_id"] = "hh-a"
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize("text", ["review nobody", "run a harvest review for the Smiths"])
def test_the_grammar_keeps_the_name_it_was_given(text: str) -> None:
    assert parse_command(text, ["rivera"], []).household_id in ("nobody", "Smiths")


@pytest.mark.parametrize("text", ["review harvest", "run the review", "review it"])
def test_words_after_review_that_name_no_household(text: str) -> None:
    assert parse_command(text, ["rivera"], []).household_id is None


def test_review_nobody_with_one_household_reviews_nothing(data_dir: Path) -> None:
    _one_household(data_dir)
    with ChatSession(data_dir, user="alex") as chat:
        reply = chat.send("review nobody")
    assert reply.text == "unknown household 'nobody'; known: hh-a"
    assert reply.run_id is None
    assert ReviewRunner(data_dir).services.runs.list() == []


def test_review_nobody_with_two_households_lists_both(data_dir: Path) -> None:
    with ChatSession(data_dir, user="alex") as chat:
        reply = chat.send("review nobody")
    assert reply.text == "unknown household 'nobody'; known: hh-a, hh-b"
