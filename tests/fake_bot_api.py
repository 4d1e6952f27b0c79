"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests.

Point a real python-telegram-bot ``Application`` at it::

    with FakeBotApi() as api:
        app = (
            Application.builder()
            .token(api.token)
            .base_url(api.base_url)
            .base_file_url(api.base_file_url)
            .build()
        )
        ...
        api.private_message("/start")
        reply = await api.wait_for_async("sendMessage")

PTB posts to ``{base_url}{token}/{method}`` with form-encoded (or multipart, when
uploading files) bodies whose non-string values are JSON-encoded.  The fake decodes
them back into Python objects, answers like Telegram does and records every call.
It only ever listens on, and answers, the loopback interface.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import socket
import socketserver
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, get_args
from urllib.parse import parse_qsl, urlsplit

JSON = dict[str, Any]
FaultKind = Literal["429", "502", "504", "timeout", "late", "drop", "403", "400-chat-not-found"]
_Reply = tuple[int, str, bytes]  # status, content type, body

DEFAULT_USER_ID = 1001
DEFAULT_GROUP_ID = -1001234567890
DEFAULT_CHANNEL_ID = -1009876543210

# Parameters whose values PTB sends as raw strings, so "123" must stay a string.
_STRING_PARAMS = frozenset(
    "text caption query data url parse_mode callback_query_id inline_query_id next_offset "
    "secret_token action language_code description short_description name title emoji "
    "first_name last_name phone_number custom_title question message_effect_id "
    "business_connection_id".split()
)
_TOKEN_SHAPE = re.compile(r"\d+:[\w-]+")
_ROUTE = re.compile(r"/bot([^/]*)/([A-Za-z]\w*)")
_ENTITY_PATTERNS = (
    ("bot_command", re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@])")),
    ("mention", re.compile(r"(?<![\w@/])@[A-Za-z0-9_]{5,32}(?!\w)")),
)
_HTML_TAG = re.compile(r"<(/?)([^\s>]*)([^>]*)>")
_HTML_CHARREF = re.compile(r"&(?:(lt|gt|amp|quot)|#(\d+)|#x([0-9a-fA-F]+));")
_HTML_ENTITY_TYPES = {
    **dict.fromkeys(("b", "strong"), "bold"),
    **dict.fromkeys(("i", "em"), "italic"),
    **dict.fromkeys(("u", "ins"), "underline"),
    **dict.fromkeys(("s", "strike", "del"), "strikethrough"),
    **dict.fromkeys(("tg-spoiler", "span"), "spoiler"),
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_CHAT_ACTIONS = frozenset(
    "typing upload_photo record_video upload_video record_voice upload_voice upload_document "
    "choose_sticker find_location record_video_note upload_video_note".split()
)
_ADMIN_RIGHTS = (
    "can_manage_chat can_delete_messages can_manage_video_chats can_restrict_members "
    "can_promote_members can_change_info can_invite_users can_post_stories can_edit_stories "
    "can_delete_stories can_pin_messages".split()
)
_MEMBER_FIELDS: dict[str, JSON] = {
    "member": {},
    "left": {},
    "kicked": {"until_date": 0},
    "administrator": {"can_be_edited": False, "is_anonymous": False}
    | dict.fromkeys(_ADMIN_RIGHTS, True),
}
# Updates Telegram only delivers when they are listed in allowed_updates.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a content and reply markup of the current message"
)
_QUERY_EXPIRED = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)
_NGINX_PAGE = (
    "<html>\r\n<head><title>{0}</title></head>\r\n<body>\r\n<center><h1>{0}</h1></center>\r\n"
    "<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n"
)


@dataclass(frozen=True)
class Call:
    """One request the fake answered (or deliberately failed).

    ``result`` is what Telegram's ``result`` field held, ``error`` the description of an
    error answer, ``failed`` the fault kind when the call was failed by ``fail_next``.
    """

    method: str
    params: JSON
    time: float
    result: Any = None
    error: str | None = None
    failed: str | None = None


@dataclass(frozen=True)
class _Fault:
    kind: FaultKind
    retry_after: int
    delay: float


class _ApiError(Exception):
    """An error answer: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters

    def reply(self) -> _Reply:
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return self.code, "application/json", json.dumps(body).encode()


class FakeBotApi:
    """Fake Bot API server: records calls, serves injected updates, injects faults."""

    def __init__(
        self,
        token: str = "123456:TEST-token",
        bot_username: str = "sco_summit_bot",
        bot_name: str = "SCO Summit Bot",
    ) -> None:
        self.token = token
        self.bot_user: JSON = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
        }
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._calls: list[Call] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._updates: list[JSON] = []
        self._last_update_id = 0
        self._ids = itertools.count(4_000_000_001)  # query and file ids
        self._poll_generation = 0
        self._waiting_polls = 0
        self._allowed_updates: list[str] | None = None
        self._webhook: JSON = {}
        self._commands: dict[str, list[JSON]] = {}
        self._users: dict[int, JSON] = {}
        self._chats: dict[int, JSON] = {}
        self._bot_status: dict[int, str] = {}
        self._messages: dict[tuple[int, int], JSON] = {}
        self._last_message_id: dict[int, int] = {}
        self._open_queries: set[str] = set()
        self._methods: dict[str, Callable[[JSON], Any]] = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "setmycommands": self._set_my_commands,
            "getmycommands": lambda p: self._commands.get(_commands_key(p), []),
            "deletemycommands": self._delete_my_commands,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "answercallbackquery": self._answer_query,
            "answerinlinequery": self._answer_query,
            "sendchataction": self._send_chat_action,
            "getchat": self._get_chat,
        }

    # -- lifecycle --------------------------------------------------------------------

    def start(self) -> FakeBotApi:
        """Listen on a free loopback port and serve in a daemon thread."""
        self._stopping.clear()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.api = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, ending pending long polls and held requests at once."""
        if self._server is None or self._thread is None:
            return
        self._stopping.set()
        with self._cond:
            self._cond.notify_all()
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()
        self._thread.join(timeout=1)
        self._server = self._thread = None

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        assert self._server is not None, "FakeBotApi is not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self) -> str:
        """Value for PTB's ``base_url``: PTB appends the token and ``/{method}``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for PTB's ``base_file_url`` (file downloads are not served: 404)."""
        return f"{self.url}/file/bot"

    def method_url(self, method: str) -> str:
        """Full URL of one Bot API method, as PTB builds it."""
        return f"{self.base_url}{self.token}/{method}"

    # -- recorded calls ---------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every call so far, failed ones included, in the order they were answered."""
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str, *, include_failed: bool = False) -> list[Call]:
        """Calls of one method (case-insensitive); injected failures only if asked."""
        with self._cond:
            return [
                c
                for c in self._calls
                if c.method.lower() == method.lower() and (include_failed or not c.failed)
            ]

    def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,
        *,
        include_failed: bool = False,
    ) -> Call:
        """Block until a (past or future) call of ``method`` matches ``predicate``.

        In a test whose event loop runs the PTB app, use ``wait_for_async``.
        """
        return self.wait_for_count(
            method, 1, timeout, predicate=predicate, include_failed=include_failed
        )[0]

    def wait_for_count(
        self,
        method: str,
        n: int,
        timeout: float = 5.0,
        *,
        predicate: Callable[[Call], bool] | None = None,
        include_failed: bool = False,
    ) -> list[Call]:
        """Block until ``n`` calls of ``method`` (matching ``predicate``) were made."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [
                    c
                    for c in self.calls_to(method, include_failed=include_failed)
                    if predicate is None or predicate(c)
                ]
                if len(found) >= n:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(self._describe_miss(method, n, len(found), timeout))
                self._cond.wait(remaining)

    async def wait_for_async(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,
        *,
        include_failed: bool = False,
    ) -> Call:
        """``wait_for`` that keeps the event loop (and a PTB app on it) running."""
        return (
            await self.wait_for_count_async(
                method, 1, timeout, predicate=predicate, include_failed=include_failed
            )
        )[0]

    async def wait_for_count_async(
        self,
        method: str,
        n: int,
        timeout: float = 5.0,
        *,
        predicate: Callable[[Call], bool] | None = None,
        include_failed: bool = False,
    ) -> list[Call]:
        """``wait_for_count`` that keeps the event loop running."""
        return await asyncio.to_thread(
            self.wait_for_count,
            method,
            n,
            timeout,
            predicate=predicate,
            include_failed=include_failed,
        )

    def _describe_miss(self, method: str, wanted: int, found: int, timeout: float) -> str:
        recent = "\n".join(f"  {_describe_call(c)}" for c in self._calls[-15:]) or "  (none)"
        return (
            f"expected {wanted} matching {method} call(s) within {timeout}s, got {found}; "
            f"last {min(len(self._calls), 15)} of {len(self._calls)} calls:\n{recent}"
        )

    # -- fault injection --------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        kind: FaultKind,
        times: int = 1,
        retry_after: int = 1,
        delay: float = 6.0,
    ) -> None:
        """Fail the next ``times`` calls of ``method``.

        ``"timeout"`` holds the request ``delay`` seconds (make it longer than the client's
        read timeout; PTB's default is 5 s) and then drops the connection without executing
        the call. ``"late"`` executes the call (the message is sent) but answers only after
        ``delay`` seconds, when the client has given up. ``"drop"`` closes the connection
        at once without executing the call.
        """
        if kind not in get_args(FaultKind):
            raise ValueError(f"unknown fault kind {kind!r}; use one of {get_args(FaultKind)}")
        with self._cond:
            queue = self._faults.setdefault(method.lower(), [])
            queue.extend([_Fault(kind, retry_after, delay)] * times)

    def _fault_reply(self, fault: _Fault) -> _Reply | None:
        """The answer for an injected fault; ``None`` drops the connection."""
        if fault.kind == "429":
            return _ApiError(
                429,
                f"Too Many Requests: retry after {fault.retry_after}",
                {"retry_after": fault.retry_after},
            ).reply()
        if fault.kind in ("502", "504"):
            title = "502 Bad Gateway" if fault.kind == "502" else "504 Gateway Time-out"
            return int(fault.kind), "text/html", _NGINX_PAGE.format(title).encode()
        if fault.kind == "403":
            return _ApiError(403, "Forbidden: bot was blocked by the user").reply()
        if fault.kind == "400-chat-not-found":
            return _ApiError(400, "Bad Request: chat not found").reply()
        if fault.kind == "timeout":
            self._stopping.wait(fault.delay)
        return None

    # -- request handling -------------------------------------------------------------

    def _respond(self, path: str, content_type: str, body: bytes) -> _Reply | None:
        """Route one HTTP request; ``None`` means: close without answering."""
        parts = urlsplit(path)
        route = _ROUTE.fullmatch(parts.path)
        if route is None:
            return _ApiError(404, "Not Found").reply()
        token, method = route.groups()
        if token != self.token:
            if _TOKEN_SHAPE.fullmatch(token):
                return _ApiError(401, "Unauthorized").reply()
            return _ApiError(404, "Not Found").reply()
        try:
            params = _decode_params(content_type, body, parts.query)
        except ValueError as exc:
            return _ApiError(400, f"Bad Request: can't parse request: {exc}").reply()
        call = Call(method, params, time.time())
        with self._cond:
            faults = self._faults.get(method.lower())
            fault = faults.pop(0) if faults else None
        if fault and fault.kind != "late":
            with self._cond:
                self._record(replace(call, failed=fault.kind))
            return self._fault_reply(fault)
        with self._cond:
            reply, call = self._execute(call)
            self._record(replace(call, failed=fault.kind) if fault else call)
        if fault:
            self._stopping.wait(fault.delay)
        return reply

    def _execute(self, call: Call) -> tuple[_Reply, Call]:
        """Run a Bot API method: its answer, and the call with its outcome."""
        try:
            result = self._methods.get(call.method.lower(), lambda p: True)(call.params)
            answer = json.dumps({"ok": True, "result": result}).encode()
        except _ApiError as exc:
            return exc.reply(), replace(call, error=exc.description)
        except Exception as exc:  # a bug in the fake: make it visible to the test
            error = _ApiError(500, f"Internal Server Error: fake bot API: {exc!r}")
            return error.reply(), replace(call, error=error.description)
        return (200, "application/json", answer), replace(call, result=result)

    def _record(self, call: Call) -> None:
        self._calls.append(call)
        self._cond.notify_all()

    # -- Bot API methods (called with the lock held) ------------------------------------

    def _get_me(self, params: JSON) -> JSON:
        return self.bot_user | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _get_updates(self, params: JSON) -> list[JSON]:
        if self._webhook:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        if "allowed_updates" in params:
            self._allowed_updates = params["allowed_updates"] or None
        offset = int(params.get("offset") or 0)
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        deadline = time.monotonic() + max(float(params.get("timeout") or 0), 0)
        self._poll_generation += 1
        generation = self._poll_generation
        self._cond.notify_all()  # terminates an older pending long poll
        while True:
            if generation != self._poll_generation:
                raise _ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            self._updates = [u for u in self._updates if self._is_allowed(u)]
            remaining = deadline - time.monotonic()
            if self._updates or remaining <= 0 or self._stopping.is_set():
                return self._updates[:limit]
            self._waiting_polls += 1
            try:
                self._cond.wait(remaining)
            finally:
                self._waiting_polls -= 1

    def _is_allowed(self, update: JSON) -> bool:
        kind = next((key for key in update if key != "update_id"), None)
        if self._allowed_updates is None:
            return kind not in _OPT_IN_UPDATES
        return kind in self._allowed_updates

    def _set_webhook(self, params: JSON) -> bool:
        self._drop_pending(params)
        has_url = bool(params.get("url"))
        self._webhook = {k: v for k, v in params.items() if k != "certificate"} if has_url else {}
        return True

    def _delete_webhook(self, params: JSON) -> bool:
        self._drop_pending(params)
        self._webhook = {}
        return True

    def _drop_pending(self, params: JSON) -> None:
        if params.get("drop_pending_updates"):
            self._updates.clear()

    def _get_webhook_info(self, params: JSON) -> JSON:
        info = {
            "url": self._webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        for key in ("max_connections", "allowed_updates", "ip_address"):
            if key in self._webhook:
                info[key] = self._webhook[key]
        return info

    def _set_my_commands(self, params: JSON) -> bool:
        commands = params.get("commands") or []
        if any(not re.fullmatch(r"[a-z0-9_]{1,32}", c.get("command", "")) for c in commands):
            raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        self._commands[_commands_key(params)] = commands
        return True

    def _delete_my_commands(self, params: JSON) -> bool:
        self._commands.pop(_commands_key(params), None)
        return True

    def _send_message(self, params: JSON) -> JSON:
        chat = self._writable_chat(params.get("chat_id"))
        content = _text_content(params)
        reply_to = self._reply_target(chat, params)
        if reply_to:
            content["reply_to_message"] = reply_to
        return self._new_message(chat, self.bot_user, **content, **_inline_markup(params))

    def _edit_message_text(self, params: JSON) -> JSON | bool:
        if "inline_message_id" in params:
            return True
        old = self._editable_message(params)
        new = {k: v for k, v in old.items() if k not in ("entities", "reply_markup")}
        new |= _text_content(params) | _inline_markup(params)
        return self._replace_message(old, new)

    def _edit_message_reply_markup(self, params: JSON) -> JSON | bool:
        if "inline_message_id" in params:
            return True
        old = self._editable_message(params)
        new = {k: v for k, v in old.items() if k != "reply_markup"} | _inline_markup(params)
        return self._replace_message(old, new)

    def _answer_query(self, params: JSON) -> bool:
        query_id = params.get("callback_query_id") or params.get("inline_query_id")
        if query_id not in self._open_queries:
            raise _ApiError(400, _QUERY_EXPIRED)
        self._open_queries.discard(query_id)
        return True

    def _send_chat_action(self, params: JSON) -> bool:
        self._writable_chat(params.get("chat_id"))
        if params.get("action") not in _CHAT_ACTIONS:
            raise _ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _get_chat(self, params: JSON) -> JSON:
        return self._find_chat(params.get("chat_id")) | {
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": dict.fromkeys(
                ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription",
                 "gifts_from_channels"),
                False,
            ),
        }

    # -- chats and messages -------------------------------------------------------------

    def _find_chat(self, chat_id: object) -> JSON:
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            named = (c for c in self._chats.values() if c.get("username") == chat_id[1:])
            chat = next(named, None)
        else:
            chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise _ApiError(400, "Bad Request: chat not found")
        return chat

    def _writable_chat(self, chat_id: object) -> JSON:
        """The chat to send to, or the 403 Telegram gives once the bot was removed."""
        chat = self._find_chat(chat_id)
        status = self._bot_status.get(chat["id"], "member")
        if chat["type"] == "private" and status == "kicked":
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        if status == "kicked":
            raise _ApiError(403, f"Forbidden: bot was kicked from the {chat['type']} chat")
        if status == "left":
            raise _ApiError(403, f"Forbidden: bot is not a member of the {chat['type']} chat")
        return chat

    def _reply_target(self, chat: JSON, params: JSON) -> JSON | None:
        reply = params.get("reply_parameters")
        if reply is None and "reply_to_message_id" in params:
            reply = {
                "message_id": params["reply_to_message_id"],
                "allow_sending_without_reply": params.get("allow_sending_without_reply"),
            }
        if not reply:
            return None
        target = self._messages.get((chat["id"], reply.get("message_id")))
        if target is None and not reply.get("allow_sending_without_reply"):
            raise _ApiError(400, "Bad Request: message to be replied not found")
        return _without_reply(target) if target else None

    def _editable_message(self, params: JSON) -> JSON:
        chat = self._writable_chat(params.get("chat_id"))
        message = self._messages.get((chat["id"], params.get("message_id")))
        if message is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        if message.get("from", {}).get("id") != self.bot_user["id"]:
            raise _ApiError(400, "Bad Request: message can't be edited")
        return message

    def _replace_message(self, old: JSON, new: JSON) -> JSON:
        same = ("text", "entities", "reply_markup")
        if all(old.get(k) == new.get(k) for k in same):
            raise _ApiError(400, _NOT_MODIFIED)
        new["edit_date"] = int(time.time())
        self._messages[(new["chat"]["id"], new["message_id"])] = new
        return new

    def _new_message(self, chat: JSON, sender: JSON | None, **content: Any) -> JSON:
        message_id = self._last_message_id.get(chat["id"], 0) + 1
        self._last_message_id[chat["id"]] = message_id
        message = {"message_id": message_id}
        message |= {"from": sender} if sender else {"sender_chat": chat}
        message |= {"chat": chat, "date": int(time.time())} | content
        self._messages[(chat["id"], message_id)] = message
        return message

    def messages(self, chat_id: int) -> list[JSON]:
        """The chat's messages as they are now (after edits), oldest first."""
        with self._cond:
            return [m for (c, _), m in sorted(self._messages.items()) if c == chat_id]

    # -- users and chats for injected updates -------------------------------------------

    def user(
        self,
        user_id: int = DEFAULT_USER_ID,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        is_bot: bool = False,
    ) -> JSON:
        """Register (or update) a user; later updates from ``user_id`` reuse the profile."""
        given = {"first_name": first_name, "username": username, "language_code": language_code}
        with self._cond:
            profile = self._users.get(user_id, {"first_name": f"User{user_id}"})
            profile |= {k: v for k, v in given.items() if v is not None}
            self._users[user_id] = profile
            return {"id": user_id, "is_bot": is_bot} | profile

    def _private_chat(self, user: JSON) -> JSON:
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        chat |= {"username": user["username"]} if "username" in user else {}
        self._chats[chat["id"]] = chat
        return chat

    def _group_chat(
        self, chat_id: int, chat_type: str | None = None, title: str | None = None
    ) -> JSON:
        known = self._chats.get(chat_id, {"type": "supergroup", "title": "SCO Summit Chat"})
        chat = {
            "id": chat_id,
            "type": chat_type or known["type"],
            "title": title or known["title"],
        }
        self._chats[chat_id] = chat
        return chat

    def _chat_of(self, user: JSON, chat_id: int | None) -> JSON:
        if chat_id is None or chat_id == user["id"]:
            return self._private_chat(user)
        return self._group_chat(chat_id)

    def _resolve(self, chat: JSON, message: JSON | int) -> JSON:
        """The current version of a message given as dict or as message_id."""
        if isinstance(message, int):
            if (chat["id"], message) not in self._messages:
                raise ValueError(f"no message {message} in chat {chat['id']}")
            return self._messages[(chat["id"], message)]
        return self._messages.get((message["chat"]["id"], message["message_id"]), message)

    # -- update injection ---------------------------------------------------------------

    def push_update(self, update: JSON) -> JSON:
        """Queue a raw update; ``update_id`` is assigned when missing."""
        with self._cond:
            if "update_id" not in update:
                update = {"update_id": self._last_update_id + 1} | update
            self._last_update_id = max(self._last_update_id, update["update_id"])
            self._updates.append(update)
            self._cond.notify_all()
            return update

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        with self._cond:
            return list(self._updates)

    @property
    def pending_polls(self) -> int:
        """How many getUpdates long polls are waiting for an update right now."""
        with self._cond:
            return self._waiting_polls

    def private_message(
        self,
        text: str,
        user_id: int = DEFAULT_USER_ID,
        first_name: str | None = None,
        entities: list[JSON] | None = None,
    ) -> JSON:
        """A user writes to the bot in private."""
        with self._cond:
            user = self.user(user_id, first_name)
            content = _text_and_entities(text, entities)
            message = self._new_message(self._private_chat(user), user, **content)
            return self.push_update({"message": message})

    def group_message(
        self,
        text: str,
        chat_id: int = DEFAULT_GROUP_ID,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str = "supergroup",
        reply_to_message: JSON | int | None = None,
        entities: list[JSON] | None = None,
        first_name: str | None = None,
        title: str | None = None,
    ) -> JSON:
        """A user writes in a group; ``reply_to_message`` is a message dict or id."""
        with self._cond:
            user = self.user(user_id, first_name)
            chat = self._group_chat(chat_id, chat_type, title)
            content = _text_and_entities(text, entities)
            if reply_to_message is not None:
                content["reply_to_message"] = _without_reply(self._resolve(chat, reply_to_message))
            return self.push_update({"message": self._new_message(chat, user, **content)})

    def edited_message(self, message: JSON, text: str, entities: list[JSON] | None = None) -> JSON:
        """The author edits an earlier message (a message dict or the update holding it)."""
        with self._cond:
            old = message.get("message", message)
            old = self._messages.get((old["chat"]["id"], old["message_id"]), old)
            new = {k: v for k, v in old.items() if k != "entities"}
            new |= _text_and_entities(text, entities) | {"edit_date": int(time.time())}
            self._messages[(new["chat"]["id"], new["message_id"])] = new
            return self.push_update({"edited_message": new})

    def channel_post(
        self,
        text: str,
        chat_id: int = DEFAULT_CHANNEL_ID,
        title: str = "SCO Summit News",
        entities: list[JSON] | None = None,
    ) -> JSON:
        """A post in a channel where the bot is an administrator."""
        with self._cond:
            chat = self._group_chat(chat_id, "channel", title)
            content = _text_and_entities(text, entities)
            return self.push_update({"channel_post": self._new_message(chat, None, **content)})

    def sticker_message(
        self, emoji: str = "👍", user_id: int = DEFAULT_USER_ID, chat_id: int | None = None
    ) -> JSON:
        """A user sends a sticker (in private unless ``chat_id`` is given)."""
        with self._cond:
            user = self.user(user_id)
            sticker = self._file(width=512, height=512) | {
                "type": "regular",
                "is_animated": False,
                "is_video": False,
                "emoji": emoji,
                "set_name": "TestStickers",
            }
            message = self._new_message(self._chat_of(user, chat_id), user, sticker=sticker)
            return self.push_update({"message": message})

    def photo_message(
        self,
        caption: str | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_id: int | None = None,
    ) -> JSON:
        """A user sends a photo, optionally captioned."""
        with self._cond:
            user = self.user(user_id)
            sizes = [self._file(width=w, height=h) for w, h in ((90, 67), (320, 240), (800, 600))]
            content: JSON = {"photo": sizes}
            if caption:
                captioned = _text_and_entities(caption, None)
                content["caption"] = caption
                if "entities" in captioned:
                    content["caption_entities"] = captioned["entities"]
            message = self._new_message(self._chat_of(user, chat_id), user, **content)
            return self.push_update({"message": message})

    def message_from_bot(
        self,
        text: str,
        chat_id: int = DEFAULT_GROUP_ID,
        bot_id: int = 5550001,
        bot_username: str = "other_helper_bot",
        via_bot: bool = False,
    ) -> JSON:
        """Another bot writes in a group; with ``via_bot`` a user posts through its inline mode."""
        with self._cond:
            other = self.user(bot_id, "Other Bot", bot_username, is_bot=True)
            sender = self.user(DEFAULT_USER_ID) if via_bot else other
            content = _text_and_entities(text, None) | ({"via_bot": other} if via_bot else {})
            message = self._new_message(self._group_chat(chat_id), sender, **content)
            return self.push_update({"message": message})

    def callback_query(
        self, data: str, message: JSON, user_id: int = DEFAULT_USER_ID
    ) -> JSON:
        """A user presses an inline button with ``data`` under the bot's ``message``."""
        with self._cond:
            current = self._resolve(message["chat"], message)
            query_id = str(next(self._ids))
            self._open_queries.add(query_id)
            query = {
                "id": query_id,
                "from": self.user(user_id),
                "message": current,
                "chat_instance": str(abs(current["chat"]["id"]) * 7 + 3),
                "data": data,
            }
            return self.push_update({"callback_query": query})

    def inline_query(self, query: str, user_id: int = DEFAULT_USER_ID, offset: str = "") -> JSON:
        """A user types ``@bot_username query`` in some chat."""
        with self._cond:
            query_id = str(next(self._ids))
            self._open_queries.add(query_id)
            inline = {
                "id": query_id,
                "from": self.user(user_id),
                "query": query,
                "offset": offset,
                "chat_type": "sender",
            }
            return self.push_update({"inline_query": inline})

    def my_chat_member(
        self,
        chat_id: int,
        new_status: str,
        old_status: str | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str | None = None,
        title: str | None = None,
    ) -> JSON:
        """The bot's status changes: added to / removed from a group, blocked in private.

        A positive ``chat_id`` is the private chat of that user. Statuses: member,
        administrator, left, kicked. Sending to a chat the bot left then fails with 403.
        """
        if new_status not in _MEMBER_FIELDS or (old_status and old_status not in _MEMBER_FIELDS):
            raise ValueError(f"statuses must be among {sorted(_MEMBER_FIELDS)}")
        if old_status is None:
            old_status = "left" if new_status in ("member", "administrator") else "member"
        with self._cond:
            if chat_id > 0:
                actor = self.user(chat_id)
                chat = self._private_chat(actor)
            else:
                actor = self.user(user_id)
                chat = self._group_chat(chat_id, chat_type, title)
            self._bot_status[chat_id] = new_status
            change = {
                "chat": chat,
                "from": actor,
                "date": int(time.time()),
                "old_chat_member": self._bot_member(old_status),
                "new_chat_member": self._bot_member(new_status),
            }
            return self.push_update({"my_chat_member": change})

    def _bot_member(self, status: str) -> JSON:
        return {"user": self.bot_user, "status": status} | _MEMBER_FIELDS[status]

    def _file(self, **fields: Any) -> JSON:
        n = next(self._ids)
        ids = {"file_id": f"AgACAgIAAxkBAAI{n}", "file_unique_id": f"AQAD{n}"}
        return ids | {"file_size": 4096} | fields


class _Server(ThreadingHTTPServer):
    """Threading HTTP server that can cut its open keep-alive connections."""

    daemon_threads = True
    block_on_close = False
    api: FakeBotApi

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, handler)

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # skips HTTPServer's reverse DNS lookup
        self.server_name, self.server_port = self.server_address[:2]

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._connections_lock:
            for connection in self._connections:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up are expected; stay silent."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    server_version = "nginx/1.18.0"
    sys_version = ""
    server: _Server

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        reply = self.server.api._respond(self.path, self.headers.get("Content-Type", ""), body)
        if reply is None:
            self.close_connection = True
            return
        status, content_type, payload = reply
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            self.close_connection = True

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        """No request logging."""


def _decode_params(content_type: str, body: bytes, query: str) -> JSON:
    """Parameters of a request, with JSON-encoded values decoded again."""
    fields: list[tuple[str, str | bytes]] = list(parse_qsl(query, keep_blank_values=True))
    mime = content_type.split(";")[0].strip().lower()
    if mime == "application/json":
        return {k: _decode_value(k, v) for k, v in fields} | json.loads(body or b"{}")
    if mime == "multipart/form-data":
        header = f"Content-Type: {content_type}\r\n\r\n".encode()
        for part in BytesParser(policy=HTTP).parsebytes(header + body).iter_parts():
            payload = part.get_payload(decode=True)
            name = part.get_param("name", header="content-disposition")
            fields.append((name, payload if part.get_filename() else payload.decode()))
    elif body:
        fields += parse_qsl(body.decode(), keep_blank_values=True)
    return {k: _decode_value(k, v) for k, v in fields}


def _decode_value(key: str, value: str | bytes) -> Any:
    if isinstance(value, bytes) or key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _commands_key(params: JSON) -> str:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps([scope, params.get("language_code") or ""], sort_keys=True)


def _inline_markup(params: JSON) -> JSON:
    markup = params.get("reply_markup")
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        return {"reply_markup": markup}
    return {}


def _without_reply(message: JSON) -> JSON:
    return {k: v for k, v in message.items() if k != "reply_to_message"}


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _text_content(params: JSON) -> JSON:
    """The text and entities of a message to send, checked like Telegram does."""
    text = params.get("text")
    if not isinstance(text, str):
        raise _ApiError(400, "Bad Request: message text is empty")
    mode = str(params.get("parse_mode") or "").lower()
    if mode == "html":
        content = _parse_html(text)
    elif mode:  # Markdown is not parsed: the text is kept as sent
        content = {"text": text}
    else:
        content = _text_and_entities(text, params.get("entities"))
    if not content["text"].strip():
        raise _ApiError(400, "Bad Request: message text is empty")
    if _utf16_len(content["text"]) > 4096:
        raise _ApiError(400, "Bad Request: message is too long")
    return content


def _parse_html(html: str) -> JSON:
    """Telegram's HTML parse mode: plain text and entities, or its 400 error."""
    text, entities, open_tags = "", [], []
    position = 0
    while (start := html.find("<", position)) >= 0:
        text += _unescape(html[position:start])
        tag = _HTML_TAG.match(html, start)
        where = f"at byte offset {len(html[:start].encode())}"
        if tag is None:
            raise _unparsable(f"Unclosed start tag {where}")
        closing, name, attributes = tag.group(1), tag.group(2).lower(), tag.group(3)
        if not closing:
            if name not in _HTML_ENTITY_TYPES:
                raise _unparsable(f'Unsupported start tag "{name}" {where}')
            open_tags.append((name, attributes, _utf16_len(text)))
        elif not open_tags:
            raise _unparsable(f"Unexpected end tag {where}")
        else:
            opened, attributes, offset = open_tags.pop()
            if name and name != opened:
                raise _unparsable(
                    f'Unmatched end tag {where}, expected "</{opened}>", found "</{name}>"'
                )
            entities.append(_html_entity(opened, attributes, offset, _utf16_len(text) - offset))
        position = tag.end()
    if open_tags:
        raise _unparsable(f'Can\'t find end tag corresponding to start tag "{open_tags[-1][0]}"')
    text += _unescape(html[position:])
    entities = sorted((e for e in entities if e["length"]), key=lambda e: e["offset"])
    return {"text": text} | ({"entities": entities} if entities else {})


def _html_entity(tag: str, attributes: str, offset: int, length: int) -> JSON:
    entity = {"type": _HTML_ENTITY_TYPES[tag], "offset": offset, "length": length}
    if tag == "blockquote" and "expandable" in attributes:
        entity["type"] = "expandable_blockquote"
    if tag == "a":
        href = re.search(r"href\s*=\s*[\"']?([^\"'\s>]*)", attributes)
        entity["url"] = _unescape(href.group(1)) if href else ""
    return entity


def _unescape(html: str) -> str:
    """Decode the character references Telegram knows; others stay as they are."""
    named = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
    return _HTML_CHARREF.sub(
        lambda m: named[m[1]] if m[1] else chr(int(m[2]) if m[2] else int(m[3], 16)), html
    )


def _unparsable(reason: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: can't parse entities: {reason}")


def _text_and_entities(text: str, entities: list[JSON] | None) -> JSON:
    """``text`` plus entities: the given ones, or bot commands and mentions found in it."""
    if entities is None:
        found = [
            (match.start(), kind, match.group())
            for kind, pattern in _ENTITY_PATTERNS
            for match in pattern.finditer(text)
        ]
        entities = [
            {"offset": _utf16_len(text[:start]), "length": _utf16_len(word), "type": kind}
            for start, kind, word in sorted(found)
        ]
    return {"text": text} | ({"entities": entities} if entities else {})


def _describe_call(call: Call) -> str:
    params = json.dumps(call.params, ensure_ascii=False, default=repr)
    if call.failed:
        return f"{call.method} {params[:200]} -> FAILED {call.failed}"
    return f"{call.method} {params[:200]} -> {f'error {call.error!r}' if call.error else 'ok'}"
