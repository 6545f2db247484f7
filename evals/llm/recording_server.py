"""A small, deterministic OpenAI-compatible chat-completions server for recording cassettes.

This machine has no route to a hosted provider, so the cassettes under ``tests/cassettes/llm``
were recorded against this server. It speaks ``POST /v1/chat/completions`` with tool calls and
answers from the request alone (same request, same answer):

- offered ``submit_plan`` (the planner): first asks for ``tracking_error``, then submits the
  rule planner's steps it was shown in the ``rule_plan`` data block;
- offered ``record_intent`` (the chat): classifies the request with lotwise's own command
  grammar (households from the ``context`` block);
- offered no tool (the narrator): writes two sentences from the ``proposal`` block's own
  figures, citing the first evidence record.

Run it alone with ``python -m evals.llm.recording_server --port 8765``.
"""

from __future__ import annotations

import argparse
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from agent.chat.intents import find_symbol, parse_command

MODEL = "lotwise-recorder"
CREATED = 1_790_000_000  # fixed, so that recordings repeat byte for byte
_BLOCK = re.compile(r'<data name="(?P<name>\w+)">(?P<body>.*?)</data>', re.DOTALL)


def data_blocks(text: str) -> dict[str, Any]:
    return {m["name"]: json.loads(m["body"]) for m in _BLOCK.finditer(text)}


def answer(request: dict[str, Any]) -> dict[str, Any]:
    """The completion for one request body."""
    messages = request["messages"]
    tools = {tool["function"]["name"] for tool in request.get("tools", [])}
    shown: dict[str, Any] = {}
    for message in messages:
        if isinstance(message.get("content"), str):
            shown.update(data_blocks(message["content"]))
    if "submit_plan" in tools:
        asked = any(message["role"] == "tool" for message in messages)
        if not asked:
            return _tool_call("tracking_error", {}, len(messages))
        return _tool_call(
            "submit_plan", {"steps": shown.get("rule_plan", []), "trades": []}, len(messages)
        )
    if "record_intent" in tools:
        households = shown.get("context", {}).get("households", [])
        text = shown.get("request", "")
        intent = parse_command(text, households, [])
        symbol = find_symbol(text, re.findall(r"\b[A-Z]{2,5}\b", text))
        fields = intent.model_dump(exclude_defaults=True)
        if intent.kind == "why_not_sold" and symbol:
            fields["symbol"] = symbol
        return _tool_call("record_intent", fields, len(messages))
    return _text(_narrative(shown))


def _narrative(shown: dict[str, Any]) -> str:
    proposal = shown.get("proposal", {})
    metrics = proposal.get("metrics", {})
    evidence = shown.get("evidence", [{"seq": 1}])
    seq = evidence[0]["seq"]
    return (
        f"The review proposes {len(proposal.get('trades', []))} trades, harvesting "
        f"${metrics.get('harvested_losses', 0.0):,.2f} of losses [#{seq}]. Tracking error "
        f"moves from {metrics.get('te_before', 0.0):.2%} to "
        f"{metrics.get('te_after', 0.0):.2%} [#{seq}]."
    )


def _completion(message: dict[str, Any], finish: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-recorded",
        "object": "chat.completion",
        "created": CREATED,
        "model": MODEL,
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }


def _tool_call(name: str, args: dict[str, Any], turn: int) -> dict[str, Any]:
    return _completion(
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": f"call-{turn}-{name}",
                    "type": "function",
                    "function": {"name": name, "arguments": json.dumps(args, sort_keys=True)},
                }
            ],
        },
        "tool_calls",
    )


def _text(content: str) -> dict[str, Any]:
    return _completion({"role": "assistant", "content": content}, "stop")


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self.send_error(404)
            return
        length = int(self.headers.get("Content-Length", "0"))
        body = json.dumps(answer(json.loads(self.rfile.read(length)))).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return


@contextmanager
def serving(port: int = 0) -> Iterator[str]:
    """Serve in a background thread; yields the base URL (``http://127.0.0.1:PORT/v1``)."""
    server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    port = parser.parse_args().port
    with serving(port) as url:
        print(f"serving {url} (Ctrl-C to stop)")
        threading.Event().wait()


if __name__ == "__main__":
    main()
