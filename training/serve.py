"""An OpenAI-compatible endpoint for a trained model, on 127.0.0.1, with transformers (CPU is fine).

    forge serve acme/v3 --config forge.yaml --port 8000     # a registry entry (name[/version])
    forge serve state/training/sft/<hash>/model              # or a model folder

Routes: ``GET /v1/models``; ``POST /v1/chat/completions`` (``messages``, rendered with the model's
chat template); ``POST /v1/completions`` (``prompt``, a string or a list of strings, continued as
raw text). Both take ``max_tokens`` (default 64), ``temperature`` (0 = greedy, the default; above
0 samples), ``top_p``, ``stop`` (a string or a list: the text is cut at the first one) and
``seed``. ``stream`` and ``n`` > 1 are refused. A bad request gets 400 with OpenAI's error shape
``{"error": {"message", "type": "invalid_request_error", "param", "code"}}``; an unknown route 404.

One model, one lock: requests are served one at a time (a CPU forward pass already uses every
core), by a ThreadingHTTPServer so a slow client never blocks the others' connections.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import torch

from training.common.generate import render
from training.models import load_model, load_tokenizer

DEFAULT_MAX_TOKENS = 64
MAX_BODY = 1 << 20


class RequestError(ValueError):
    """A request the server refuses, with the field at fault."""

    def __init__(self, message: str, param: str | None = None):
        super().__init__(message)
        self.param = param


@dataclass(frozen=True)
class Completion:
    text: str
    finish_reason: str  # "stop" (end of sequence or a stop string) or "length"
    prompt_tokens: int
    completion_tokens: int


class ModelServer:
    """A model and its tokenizer behind a lock, turning OpenAI request bodies into response bodies."""

    def __init__(self, model_dir: str | Path, name: str | None = None):
        self.model_dir = Path(model_dir)
        self.name = name or self.model_dir.name
        self.model = load_model(self.model_dir).eval()
        self.tokenizer = load_tokenizer(self.model_dir)
        self.created = int(time.time())
        self.lock = threading.Lock()

    # --- generation ---------------------------------------------------------------------------

    @torch.no_grad()
    def complete(self, text: str, options: dict[str, Any]) -> Completion:
        ids = self.tokenizer(text, return_tensors="pt", add_special_tokens=False)["input_ids"]
        sampling = options["temperature"] > 0
        kwargs: dict[str, Any] = {"do_sample": sampling}
        if sampling:
            kwargs.update(temperature=options["temperature"], top_p=options["top_p"])
        with self.lock:
            if options["seed"] is not None:
                torch.manual_seed(options["seed"])
            out = self.model.generate(
                input_ids=ids,
                attention_mask=torch.ones_like(ids),
                max_new_tokens=options["max_tokens"],
                pad_token_id=self.tokenizer.pad_token_id,
                **kwargs,
            )
        new = out[0, ids.shape[1] :].tolist()
        answer = self.tokenizer.decode(new, skip_special_tokens=True)
        eos = {self.tokenizer.eos_token_id, *_as_list(self.model.generation_config.eos_token_id)}
        finish = "stop" if any(t in eos for t in new) else "length"
        for stop in options["stop"]:
            cut = answer.find(stop)
            if cut >= 0:
                answer, finish = answer[:cut], "stop"
        return Completion(answer, finish, ids.shape[1], len(new))

    # --- the two endpoints -----------------------------------------------------------------------

    def chat_completions(self, body: dict[str, Any]) -> dict[str, Any]:
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise RequestError("'messages' must be a non-empty list of {role, content} objects", "messages")
        for i, m in enumerate(messages):
            if not isinstance(m, dict) or m.get("role") not in ("system", "user", "assistant"):
                raise RequestError(f"messages[{i}] needs a role of system, user or assistant", "messages")
            if not isinstance(m.get("content"), str):
                raise RequestError(f"messages[{i}].content must be a string", "messages")
        if not self.tokenizer.chat_template:
            raise RequestError("this model has no chat template; use /v1/completions", "messages")
        options = parse_options(body)
        text = self.tokenizer.apply_chat_template(
            [{"role": m["role"], "content": m["content"]} for m in messages],
            tokenize=False,
            add_generation_prompt=True,
        )
        done = self.complete(text, options)
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.name,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": done.text},
                    "finish_reason": done.finish_reason,
                }
            ],
            "usage": _usage([done]),
        }

    def completions(self, body: dict[str, Any]) -> dict[str, Any]:
        prompt = body.get("prompt")
        prompts = [prompt] if isinstance(prompt, str) else prompt
        if not isinstance(prompts, list) or not prompts or not all(isinstance(p, str) for p in prompts):
            raise RequestError("'prompt' must be a string or a non-empty list of strings", "prompt")
        options = parse_options(body)
        done = [self.complete(render(self.tokenizer, p, chat=False), options) for p in prompts]
        return {
            "id": f"cmpl-{uuid.uuid4().hex[:24]}",
            "object": "text_completion",
            "created": int(time.time()),
            "model": self.name,
            "choices": [
                {"index": i, "text": d.text, "logprobs": None, "finish_reason": d.finish_reason}
                for i, d in enumerate(done)
            ],
            "usage": _usage(done),
        }

    def models(self) -> dict[str, Any]:
        return {
            "object": "list",
            "data": [{"id": self.name, "object": "model", "created": self.created, "owned_by": "forge"}],
        }


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _usage(done: list[Completion]) -> dict[str, int]:
    prompt = sum(d.prompt_tokens for d in done)
    completion = sum(d.completion_tokens for d in done)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _number(body: dict[str, Any], key: str, default: float, low: float, high: float) -> float:
    value = body.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise RequestError(f"'{key}' must be a number from {low} to {high}", key)
    return value


def parse_options(body: dict[str, Any]) -> dict[str, Any]:
    """The generation options of a request, checked; a RequestError names the first bad one."""
    if body.get("stream"):
        raise RequestError("streaming is not supported; leave 'stream' unset or false", "stream")
    if body.get("n", 1) != 1:
        raise RequestError("only n=1 is supported", "n")
    max_tokens = body.get("max_tokens", body.get("max_completion_tokens", DEFAULT_MAX_TOKENS))
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or not 1 <= max_tokens <= 4096:
        raise RequestError("'max_tokens' must be an integer from 1 to 4096", "max_tokens")
    stop = body.get("stop") or []
    stop = [stop] if isinstance(stop, str) else stop
    if not isinstance(stop, list) or not all(isinstance(s, str) and s for s in stop):
        raise RequestError("'stop' must be a string or a list of non-empty strings", "stop")
    seed = body.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise RequestError("'seed' must be an integer", "seed")
    return {
        "max_tokens": max_tokens,
        "temperature": _number(body, "temperature", 0.0, 0.0, 2.0),
        "top_p": _number(body, "top_p", 1.0, 0.0, 1.0),
        "stop": stop,
        "seed": seed,
    }


def error_body(message: str, param: str | None = None, kind: str = "invalid_request_error") -> dict:
    return {"error": {"message": message, "type": kind, "param": param, "code": None}}


def make_handler(server: ModelServer) -> type[BaseHTTPRequestHandler]:
    routes = {
        "/v1/chat/completions": server.chat_completions,
        "/v1/completions": server.completions,
    }

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):  # noqa: N802 (http.server's naming)
            if self.path.rstrip("/") == "/v1/models":
                self._send(HTTPStatus.OK, server.models())
            else:
                self._send(HTTPStatus.NOT_FOUND, error_body(f"no route GET {self.path}", kind="not_found"))

        def do_POST(self):  # noqa: N802
            route = routes.get(self.path.rstrip("/"))
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self.close_connection = True  # the body is left unread
                self._send(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, error_body("request body over 1 MiB"))
                return
            raw = self.rfile.read(length)
            if route is None:
                self._send(HTTPStatus.NOT_FOUND, error_body(f"no route POST {self.path}", kind="not_found"))
                return
            try:
                body = json.loads(raw or b"null")
            except (json.JSONDecodeError, UnicodeDecodeError) as err:
                self._send(HTTPStatus.BAD_REQUEST, error_body(f"the body is not valid JSON: {err}"))
                return
            if not isinstance(body, dict):
                self._send(HTTPStatus.BAD_REQUEST, error_body("the body must be a JSON object"))
                return
            try:
                self._send(HTTPStatus.OK, route(body))
            except RequestError as err:
                self._send(HTTPStatus.BAD_REQUEST, error_body(str(err), err.param))

        def log_message(self, format, *args):  # noqa: A002
            # One line per request on stderr, without bodies: prompts may hold personal data.
            import sys

            print(
                f"forge serve: {self.command} {self.path} {args[1] if len(args) > 1 else ''}", file=sys.stderr
            )

    return Handler


def make_server(model_dir: str | Path, port: int = 8000, name: str | None = None) -> ThreadingHTTPServer:
    """The HTTP server bound to 127.0.0.1 (``port`` 0 picks a free one); call ``serve_forever()``."""
    httpd = ThreadingHTTPServer(("127.0.0.1", port), make_handler(ModelServer(model_dir, name)))
    httpd.daemon_threads = True
    return httpd
