"""Four-eyes and identity, attacked: disguised requesters, lotwise's own name, other people's
names and tokens, missing roles, removed users, a tampered users.yaml, an empty ``--by``.

The runner is the single place roles and four-eyes are checked (CLI, chat and later a web app
all go through it); the CLI adds authentication. Runs here are created with the scripted
optimizer (fast); approving needs no optimizer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from langchain_core.runnables import RunnableConfig
from langgraph.types import Command
from typer.testing import CliRunner, Result

from agent.cli.main import app
from agent.identity import (
    SYSTEM_IDENTITY,
    BadIdentityInputError,
    RefusedError,
    UserStore,
    os_user_name,
)
from agent.paths import state_dir_for
from agent.review.decision import DecisionRefusedError
from agent.review.runner import ReviewRunner
from agent.review.runs import RunRecord
from tests.agent.datadir import read_transactions
from tests.identity.people import cheap_scrypt, people_of, signed_in

MakeRunner = Callable[..., ReviewRunner]
CYRILLIC_A = "\u0430"


@pytest.fixture(autouse=True)
def _cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_scrypt(monkeypatch)


def _pending(runner: ReviewRunner, requester: str = "ana") -> RunRecord:
    run = runner.review("hh-a", requested_by=requester)
    assert run.status == "pending_approval" and run.proposal is not None
    assert run.proposal["impact"] == "high"
    return run


def _cli(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], env=env)


def _approvals(runner: ReviewRunner, run_id: str) -> list[dict[str, object]]:
    return [r.outputs for r in runner.services.evidence.records(run_id) if r.kind == "approval"]


# -- the runner: normal-form names -------------------------------------------------------


@pytest.mark.parametrize(
    "approver", ["Ana", "ANA", "ana\u200b", " ana ", "\u200dan\u00ada", "ａｎａ"]
)
def test_the_requester_in_disguise_is_still_the_requester(
    make_runner: MakeRunner, approver: str
) -> None:
    runner = make_runner()
    run = _pending(runner)

    with pytest.raises(DecisionRefusedError, match="requested by ana needs a second person"):
        runner.approve(run.run_id, approver)

    assert runner.services.runs.get(run.run_id).status == "pending_approval"  # type: ignore[union-attr]
    (refused,) = _approvals(runner, run.run_id)
    assert refused == {
        "refused": "high-impact proposal requested by ana needs a second person to approve it",
        "by": "ana",
        "identity": {
            "name": "ana",
            "typed": approver,
            "method": "caller",
            "roles": ["admin", "advisor", "approver", "compliance"],
        },
    }


def test_the_guard_is_the_normal_form(
    make_runner: MakeRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Switched off (exact comparison), the same attack gets through: the check above is
    what stops it."""
    runner = make_runner()
    run = _pending(runner)
    monkeypatch.setattr("agent.review.decision.same_person", lambda a, b: a == b)
    monkeypatch.setattr("agent.identity.session.person_name", lambda typed: typed)

    assert runner.approve(run.run_id, "ANA").status == "executed"


def test_a_look_alike_name_is_bad_input(make_runner: MakeRunner) -> None:
    runner = make_runner()
    run = _pending(runner)
    with pytest.raises(BadIdentityInputError, match="mixes scripts"):
        runner.approve(run.run_id, f"{CYRILLIC_A}na")
    assert _approvals(runner, run.run_id) == []


@pytest.mark.parametrize("name", ["lotwise-auto", "LOTWISE-AUTO", "lotwise-ops", "", "  \u200b"])
def test_lotwise_names_and_empty_names_never_decide(make_runner: MakeRunner, name: str) -> None:
    runner = make_runner()
    run = _pending(runner)
    with pytest.raises(BadIdentityInputError):
        runner.approve(run.run_id, name)
    with pytest.raises(BadIdentityInputError):
        runner.reject(run.run_id, name, "no")
    assert runner.services.runs.get(run.run_id).status == "pending_approval"  # type: ignore[union-attr]


def test_lotwise_itself_never_decides_for_a_person(make_runner: MakeRunner) -> None:
    runner = make_runner()
    run = _pending(runner)
    with pytest.raises(DecisionRefusedError, match="lotwise itself"):
        runner.approve(run.run_id, SYSTEM_IDENTITY)
    assert runner.services.runs.get(run.run_id).status == "pending_approval"  # type: ignore[union-attr]


def test_the_approval_node_refuses_a_disguised_requester_even_past_the_runner(
    make_runner: MakeRunner,
) -> None:
    runner = make_runner()
    run = _pending(runner)
    for by in ("ANA", "ana\u200b", "lotwise-auto"):
        with runner.graph() as graph:
            config: RunnableConfig = {"configurable": {"thread_id": run.thread_id}}
            decision = {"by": by, "decision": "approve", "proposal_hash": run.proposal_hash}
            graph.invoke(Command(resume=decision), config, context=runner.context)
            (waiting,) = graph.get_state(config).interrupts
        assert "second person" in waiting.value["refused"] or "lotwise" in waiting.value["refused"]
    assert runner.services.runs.get(run.run_id).status == "pending_approval"  # type: ignore[union-attr]
    assert runner.services.runs.decision(run.run_id) is None


def test_the_requester_is_stored_normalized_beside_what_was_typed(
    make_runner: MakeRunner,
) -> None:
    runner = make_runner()
    run = runner.review("hh-a", requested_by=" Ana\u200b ")

    assert run.requested_by == "ana"
    assert run.requester == {
        "name": "ana",
        "typed": " Ana\u200b ",
        "method": "caller",
        "roles": ["admin", "advisor", "approver", "compliance"],
    }
    (snapshot,) = runner.services.evidence.find(run.run_id, kind="input_snapshot")
    assert snapshot.outputs["requested_by"] == "ana"
    assert snapshot.outputs["requester"]["typed"] == " Ana\u200b "


# -- the runner with users.yaml: roles ---------------------------------------------------


def test_roles_decide_who_requests_and_who_approves(
    make_runner: MakeRunner, data_dir: Path
) -> None:
    people_of(data_dir)
    runner = make_runner()
    with pytest.raises(RefusedError, match="ben may not request a review: it needs the advisor"):
        runner.review("hh-a", requested_by="ben")
    with pytest.raises(RefusedError, match=r"'zoe' is not a user of users\.yaml"):
        runner.review("hh-a", requested_by="zoe")
    run = _pending(runner, "ana")

    with pytest.raises(DecisionRefusedError, match="cleo may not approve: it needs the approver"):
        runner.approve(run.run_id, "cleo")
    with pytest.raises(DecisionRefusedError, match="ana may not approve"):
        runner.approve(run.run_id, "Ana")
    done = runner.approve(run.run_id, "ben")

    assert done.status == "executed"
    refusals = [a["refused"] for a in _approvals(runner, run.run_id) if "refused" in a]
    assert refusals == [
        "cleo may not approve: it needs the approver role (roles held: compliance)",
        "ana may not approve: it needs the approver role (roles held: advisor)",
    ]


def test_four_eyes_holds_for_a_person_with_both_roles(
    make_runner: MakeRunner, data_dir: Path
) -> None:
    people_of(data_dir)
    runner = make_runner()
    run = _pending(runner, "dana")
    with pytest.raises(DecisionRefusedError, match="requested by dana needs a second person"):
        runner.approve(run.run_id, "DANA\u2060")
    assert runner.reject(run.run_id, "dana", "withdrawn").status == "rejected"


# -- the command line --------------------------------------------------------------------


def test_an_empty_by_is_one_line_and_exit_2(make_runner: MakeRunner, data_dir: Path) -> None:
    run = _pending(make_runner(), os_user_name())
    for typed in ("", "   ", "\u200b"):
        result = _cli("approve", run.run_id, "--data", data_dir, "--by", typed)
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert "--by: a name is needed" in result.stderr
    rejected = _cli("reject", run.run_id, "--data", data_dir, "--by", "", "--reason", "no")
    assert rejected.exit_code == 2 and "--by: a name is needed" in rejected.stderr


def test_without_users_yaml_the_cli_acts_as_the_os_user(
    make_runner: MakeRunner, data_dir: Path
) -> None:
    me = os_user_name()
    run = _pending(make_runner(), me)

    as_me_shouting = _cli("approve", run.run_id, "--data", data_dir, "--by", f" {me.upper()} ")
    as_ben = _cli("approve", run.run_id, "--data", data_dir, "--by", "ben")
    as_auto = _cli("approve", run.run_id, "--data", data_dir, "--by", "lotwise-auto")

    assert as_me_shouting.exit_code == 1 and "second person" in as_me_shouting.stderr
    assert as_ben.exit_code == 1
    assert f"you are the operating-system user {me!r} (no users.yaml)" in as_ben.stderr
    assert as_auto.exit_code == 2 and "belong to lotwise itself" in as_auto.stderr
    assert not any(row.get("order_id") for row in read_transactions(data_dir))


def test_with_users_yaml_by_must_be_the_signed_in_person(
    make_runner: MakeRunner, data_dir: Path
) -> None:
    tokens = people_of(data_dir)
    run = _pending(make_runner(), "dana")

    def approve(by: str, env: dict[str, str]) -> Result:
        return _cli("approve", run.run_id, "--data", data_dir, "--by", by, env=env)

    unsigned = approve("ben", {"LOTWISE_USER": "", "LOTWISE_TOKEN": ""})
    stolen_name = approve("ben", signed_in(tokens, "ben", token_of="cleo"))
    other_by = approve("ben", signed_in(tokens, "cleo"))
    no_role = approve("cleo", signed_in(tokens, "cleo"))
    requester = approve("Dana", signed_in(tokens, "DANA", token_of="dana"))
    cyrillic = approve("ben", {"LOTWISE_USER": f"d{CYRILLIC_A}na", "LOTWISE_TOKEN": "x"})
    auto = approve("lotwise-auto", signed_in(tokens, "ben"))

    assert unsigned.exit_code == 1 and "set LOTWISE_USER" in unsigned.stderr
    assert stolen_name.exit_code == 1 and "authentication failed for 'ben'" in stolen_name.stderr
    assert other_by.exit_code == 1 and "--by 'ben' is not who is authenticated" in other_by.stderr
    assert no_role.exit_code == 1 and "cleo may not approve" in no_role.stderr
    assert requester.exit_code == 1 and "second person" in requester.stderr
    assert cyrillic.exit_code == 2 and "mixes scripts" in cyrillic.stderr
    assert auto.exit_code == 2 and "belong to lotwise itself" in auto.stderr
    for result in (unsigned, stolen_name, other_by, no_role, requester, cyrillic, auto):
        assert result.stdout == "" and "Traceback" not in result.stderr
        assert result.stderr.strip().count("\n") == 0, result.stderr  # one line

    store = UserStore.in_state_dir(state_dir_for(data_dir))
    store.remove("ben", by=store.authenticate("adm", tokens["adm"]))
    removed = approve("ben", signed_in(tokens, "ben"))
    assert removed.exit_code == 1 and "authentication failed for 'ben'" in removed.stderr
    assert not any(row.get("order_id") for row in read_transactions(data_dir))


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda text: text.replace("roles:", "roles: [", 1), "users.yaml line"),
        (lambda text: text.replace("- approver", "- superuser", 1), "unknown role 'superuser'"),
    ],
)
def test_a_tampered_users_yaml_stops_every_decision_with_exit_2(
    make_runner: MakeRunner, data_dir: Path, tamper: Callable[[str], str], message: str
) -> None:
    tokens = people_of(data_dir)
    run = _pending(make_runner(), "ana")
    path = UserStore.in_state_dir(state_dir_for(data_dir)).path
    path.write_text(tamper(path.read_text()))

    result = _cli(
        "approve", run.run_id, "--data", data_dir, "--by", "ben", env=signed_in(tokens, "ben")
    )

    assert result.exit_code == 2 and result.stdout == "" and "Traceback" not in result.stderr
    assert message in result.stderr and "users.yaml" in result.stderr
    assert ReviewRunner(data_dir).services.runs.get(run.run_id).status == "pending_approval"  # type: ignore[union-attr]


def test_the_evidence_records_who_and_how_and_never_the_token(data_dir: Path) -> None:
    tokens = people_of(data_dir)
    reviewed = _cli(
        "review",
        "--data",
        data_dir,
        "--household",
        "hh-a",
        "--by",
        " Ana ",
        "--format",
        "json",
        env=signed_in(tokens, "ANA", token_of="ana"),
    )
    assert reviewed.exit_code == 0, reviewed.output
    run_id = json.loads(reviewed.stdout)["run_id"]

    approved = _cli(
        "approve",
        run_id,
        "--data",
        data_dir,
        "--by",
        "Ben",
        "--format",
        "json",
        env=signed_in(tokens, "ben"),
    )

    assert approved.exit_code == 0, approved.output
    runner = ReviewRunner(data_dir)
    records = runner.services.evidence.records(run_id)
    (snapshot,) = [r for r in records if r.kind == "input_snapshot"]
    assert snapshot.outputs["requester"] == {
        "name": "ana",
        "typed": " Ana ",
        "method": "token",
        "roles": ["advisor"],
    }
    (approval,) = [r for r in records if r.kind == "approval"]
    assert approval.outputs["by"] == "ben"
    assert approval.outputs["identity"] == {
        "name": "ben",
        "typed": "Ben",
        "method": "token",
        "roles": ["approver"],
    }
    hashes = UserStore.in_state_dir(state_dir_for(data_dir)).path.read_text()
    secrets = [*tokens.values()] + [
        line.split(":")[1].strip() for line in hashes.splitlines() if "hash:" in line
    ]
    state = state_dir_for(data_dir)
    stored = b"".join(
        path.read_bytes()
        for path in state.rglob("*")
        if path.is_file() and path.name != "users.yaml"
    )
    assert len(secrets) == 10 and not any(secret.encode() in stored for secret in secrets)
