"""Tests of the fake Telegram Bot API server the end-to-end tests run the bot against."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fake_bot_api import DEFAULT_GROUP_ID, DEFAULT_USER_ID, FakeBotApi
from telegram import Bot, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, ContextTypes, MessageHandler, filters
from telegram.request import HTTPXRequest

KEYBOARD = {"inline_keyboard": [[{"text": "More", "callback_data": "more"}]]}


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """httpx honours proxy variables; the tests must only ever reach 127.0.0.1."""
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture()
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as fake:
        yield fake


@pytest.fixture()
def client() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=5) as http:
        yield http


def call(client: httpx.Client, api: FakeBotApi, method: str, **params: Any) -> dict[str, Any]:
    """POST like PTB does: form-encoded, non-string values JSON-encoded."""
    form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    return client.post(api.method_url(method), data=form).json()


def send_with_keyboard(client: httpx.Client, api: FakeBotApi, text: str) -> dict[str, Any]:
    params = {"chat_id": DEFAULT_USER_ID, "text": text, "reply_markup": KEYBOARD}
    return call(client, api, "sendMessage", **params)


def bot_for(api: FakeBotApi, read_timeout: float = 5) -> Bot:
    return Bot(
        api.token,
        base_url=api.base_url,
        base_file_url=api.base_file_url,
        request=HTTPXRequest(read_timeout=read_timeout),
        get_updates_request=HTTPXRequest(read_timeout=read_timeout),
    )


def eventually(condition: Callable[[], bool], timeout: float = 2) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def test_url_shape_and_token_checks(api: FakeBotApi, client: httpx.Client) -> None:
    assert api.base_url.startswith("http://127.0.0.1:")
    me = client.post(f"{api.base_url}{api.token}/getMe").json()
    assert me["ok"] and me["result"]["username"] == "sco_summit_bot"
    assert me["result"]["id"] == 123456 and me["result"]["is_bot"]

    wrong = client.post(f"{api.base_url}999:other-token/getMe")
    assert (wrong.status_code, wrong.json()["description"]) == (401, "Unauthorized")
    assert client.post(f"{api.base_url}garbage/getMe").status_code == 404
    assert client.get(f"{api.url}/favicon.ico").status_code == 404
    assert [c.method for c in api.calls] == ["getMe"]


def test_params_are_decoded_from_form_and_multipart(
    api: FakeBotApi, client: httpx.Client
) -> None:
    api.private_message("hi")
    sent = send_with_keyboard(client, api, "123")
    assert sent["result"]["text"] == "123" and sent["result"]["reply_markup"] == KEYBOARD
    assert api.calls_to("sendMessage")[0].params == {
        "chat_id": DEFAULT_USER_ID,
        "text": "123",
        "reply_markup": KEYBOARD,
    }

    photo = b"\xff\xd8\x00binary\r\n--"
    client.post(
        api.method_url("sendPhoto"),
        data={"chat_id": "1001", "caption": "true"},
        files={"photo": ("photo.jpg", photo, "image/jpeg")},
    )
    upload = api.wait_for("sendPhoto")
    assert upload.params == {"chat_id": 1001, "caption": "true", "photo": photo}
    assert upload.result is True  # methods without an implementation just succeed


def test_send_message_ids_replies_and_errors(api: FakeBotApi, client: httpx.Client) -> None:
    question = api.group_message("/ask когда саммит?")["message"]
    api.private_message("hello")
    first = call(
        client,
        api,
        "sendMessage",
        chat_id=DEFAULT_GROUP_ID,
        text="3–4 July",
        reply_parameters={"message_id": question["message_id"]},
    )["result"]
    second = call(client, api, "sendMessage", chat_id=DEFAULT_GROUP_ID, text="in Astana")
    private = call(client, api, "sendMessage", chat_id=DEFAULT_USER_ID, text="hi")["result"]
    assert first["message_id"] == 2 and second["result"]["message_id"] == 3
    assert private["message_id"] == 2  # message ids count per chat
    assert first["reply_to_message"]["text"] == "/ask когда саммит?"
    assert first["from"]["username"] == "sco_summit_bot"
    assert first["chat"]["id"] == DEFAULT_GROUP_ID

    def error(**params: Any) -> str:
        return call(client, api, "sendMessage", **params)["description"]

    assert error(chat_id=42, text="x") == "Bad Request: chat not found"
    assert error(chat_id=DEFAULT_USER_ID, text=" ") == "Bad Request: message text is empty"
    assert error(chat_id=DEFAULT_USER_ID, text="x" * 4097) == "Bad Request: message is too long"
    missing = {"message_id": 99}
    assert error(chat_id=DEFAULT_USER_ID, text="x", reply_parameters=missing) == (
        "Bad Request: message to be replied not found"
    )
    lenient = missing | {"allow_sending_without_reply": True}
    sent = call(
        client, api, "sendMessage", chat_id=DEFAULT_USER_ID, text="x", reply_parameters=lenient
    )
    assert "reply_to_message" not in sent["result"]


def test_html_parse_mode_is_parsed_like_telegram(api: FakeBotApi, client: httpx.Client) -> None:
    api.private_message("hi")

    def send(text: str, parse_mode: str = "HTML") -> dict[str, Any]:
        params = {"chat_id": DEFAULT_USER_ID, "text": text, "parse_mode": parse_mode}
        return call(client, api, "sendMessage", **params)

    sent = send('<b>Астана</b>, 3&lt;4 &amp; <a href="https://sco.int/?a=1&amp;b=2">SCO</a>')
    assert sent["result"]["text"] == "Астана, 3<4 & SCO"
    assert sent["result"]["entities"] == [
        {"type": "bold", "offset": 0, "length": 6},
        {"type": "text_link", "offset": 14, "length": 3, "url": "https://sco.int/?a=1&b=2"},
    ]
    assert send("<b>bold <i>both</b></i>")["description"] == (
        "Bad Request: can't parse entities: Unmatched end tag at byte offset 15, "
        'expected "</i>", found "</b>"'
    )
    for broken in ("a < b > c", "<br>", "<b>open", "close</b>", "<b></b>"):
        assert send(broken)["error_code"] == 400, broken
    assert send("*x*", "MarkdownV2")["result"]["text"] == "*x*"  # Markdown is not parsed


def test_long_poll_waits_for_an_update(api: FakeBotApi, client: httpx.Client) -> None:
    def push_once_polled() -> None:
        eventually(lambda: api.pending_polls == 1)
        api.private_message("late")

    threading.Thread(target=push_once_polled).start()
    started = time.monotonic()
    updates = call(client, api, "getUpdates", timeout=5)["result"]
    assert time.monotonic() - started < 2
    assert [u["message"]["text"] for u in updates] == ["late"]

    started = time.monotonic()
    empty = call(client, api, "getUpdates", offset=updates[0]["update_id"] + 1, timeout=0.2)
    assert empty["result"] == [] and time.monotonic() - started >= 0.2
    assert api.pending_updates == []


def test_offset_limit_and_allowed_updates(api: FakeBotApi, client: httpx.Client) -> None:
    ids = [api.private_message(text)["update_id"] for text in ("a", "b", "c")]
    assert [u["update_id"] for u in call(client, api, "getUpdates", limit=2)["result"]] == ids[:2]
    rest = call(client, api, "getUpdates", offset=ids[1] + 1)["result"]
    assert [u["message"]["text"] for u in rest] == ["c"]

    api.inline_query("astana")
    only_messages = call(client, api, "getUpdates", offset=ids[2] + 1, allowed_updates=["message"])
    assert only_messages["result"] == []
    assert api.pending_updates == []  # unwanted update types are discarded


def test_second_poller_and_webhook_conflict(api: FakeBotApi, client: httpx.Client) -> None:
    answers: list[dict[str, Any]] = []
    first = threading.Thread(
        target=lambda: answers.append(call(client, api, "getUpdates", timeout=5))
    )
    first.start()
    eventually(lambda: api.pending_polls == 1)
    assert call(client, api, "getUpdates")["result"] == []
    first.join(timeout=2)
    assert answers[0]["error_code"] == 409
    assert answers[0]["description"].startswith("Conflict: terminated by other getUpdates")

    assert call(client, api, "setWebhook", url="https://example.org/hook")["result"] is True
    assert call(client, api, "getWebhookInfo")["result"]["url"] == "https://example.org/hook"
    assert call(client, api, "getUpdates")["error_code"] == 409
    api.private_message("queued")
    call(client, api, "deleteWebhook", drop_pending_updates=True)
    assert call(client, api, "getUpdates")["result"] == []


def test_stop_ends_a_pending_long_poll_at_once(client: httpx.Client) -> None:
    def long_poll() -> None:
        with contextlib.suppress(httpx.HTTPError):  # an empty answer or a cut connection
            call(client, api, "getUpdates", timeout=30)

    api = FakeBotApi().start()
    poll = threading.Thread(target=long_poll)
    poll.start()
    eventually(lambda: api.pending_polls == 1)
    started = time.monotonic()
    api.stop()
    poll.join(timeout=2)
    assert time.monotonic() - started < 1 and not poll.is_alive()


def test_entities_have_utf16_offsets(api: FakeBotApi) -> None:
    text = "🇰🇿 /ask@sco_summit_bot когда? @sco_summit_bot"
    entities = api.group_message(text)["message"]["entities"]
    assert entities == [
        {"offset": 5, "length": 19, "type": "bot_command"},
        {"offset": 32, "length": 15, "type": "mention"},
    ]
    assert "entities" not in api.private_message("/start", entities=[])["message"]
    assert "entities" not in api.private_message("a/b e@mail.org")["message"]


def test_injected_updates_are_valid_ptb_updates(api: FakeBotApi, client: httpx.Client) -> None:
    api.user(DEFAULT_USER_ID, first_name="Aigerim", username="aigerim", language_code="kk")
    private = api.private_message("/start")
    user = private["message"]["from"]
    sent = send_with_keyboard(client, api, "Hi")
    api.group_message("Who organises it?")
    group = api.group_message("@sco_summit_bot who?", reply_to_message=1)
    updates = [
        private,
        group,
        api.edited_message(private, "/help"),
        api.callback_query("more", sent["result"]),
        api.inline_query("astana"),
        api.channel_post("Summit opens"),
        api.sticker_message(chat_id=DEFAULT_GROUP_ID),
        api.photo_message(caption="/ask about this"),
        api.message_from_bot("beep"),
        api.message_from_bot("an inline result", via_bot=True),
        api.my_chat_member(-100777, "administrator", title="Press"),
        api.push_update(
            {
                "poll_answer": {
                    "poll_id": "7",
                    "user": user,
                    "option_ids": [0],
                    "option_persistent_ids": ["a"],
                }
            }
        ),
    ]
    ids = [u["update_id"] for u in updates]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    parsed = [Update.de_json(u, None) for u in updates]
    for update in parsed:
        assert update.effective_message is None or update.effective_message.api_kwargs == {}
    aigerim = parsed[0].effective_user
    assert (aigerim.id, aigerim.first_name, aigerim.language_code) == (
        DEFAULT_USER_ID,
        "Aigerim",
        "kk",
    )
    assert parsed[0].effective_chat.id == DEFAULT_USER_ID
    assert parsed[1].message.reply_to_message.message_id == 1
    [[button]] = parsed[3].callback_query.message.reply_markup.inline_keyboard
    assert button.callback_data == "more"
    assert parsed[7].message.caption_entities[0].type == "bot_command"
    assert parsed[8].effective_user.is_bot
    assert parsed[9].message.via_bot.username == "other_helper_bot"
    assert not parsed[9].effective_user.is_bot
    assert parsed[10].my_chat_member.new_chat_member.status == "administrator"


def test_edits_follow_telegram_rules(api: FakeBotApi, client: httpx.Client) -> None:
    api.private_message("/start")
    sent = send_with_keyboard(client, api, "v1")
    target = {"chat_id": DEFAULT_USER_ID, "message_id": sent["result"]["message_id"]}

    same = call(client, api, "editMessageText", text="v1", reply_markup=KEYBOARD, **target)
    assert same["description"].startswith("Bad Request: message is not modified")
    edited = call(client, api, "editMessageText", text="v2", **target)["result"]
    assert edited["text"] == "v2" and "reply_markup" not in edited and "edit_date" in edited
    markup = call(client, api, "editMessageReplyMarkup", reply_markup=KEYBOARD, **target)
    assert markup["result"]["reply_markup"] == KEYBOARD
    assert [m["text"] for m in api.messages(DEFAULT_USER_ID)] == ["/start", "v2"]

    def edit_error(message_id: int) -> str:
        params = {"chat_id": DEFAULT_USER_ID, "message_id": message_id}
        return call(client, api, "editMessageText", text="x", **params)["description"]

    assert edit_error(1) == "Bad Request: message can't be edited"
    assert edit_error(9) == "Bad Request: message to edit not found"


def test_commands_queries_and_membership(api: FakeBotApi, client: httpx.Client) -> None:
    commands = [{"command": "ask", "description": "Ask about the summit"}]
    call(client, api, "setMyCommands", commands=commands)
    assert call(client, api, "getMyCommands")["result"] == commands
    assert call(client, api, "getMyCommands", language_code="ru")["result"] == []
    call(client, api, "deleteMyCommands")
    assert call(client, api, "getMyCommands")["result"] == []
    bad = call(client, api, "setMyCommands", commands=[{"command": "Ask", "description": "x"}])
    assert bad["description"] == "Bad Request: BOT_COMMAND_INVALID"

    query_id = api.inline_query("astana")["inline_query"]["id"]
    answers = [call(client, api, "answerInlineQuery", inline_query_id=query_id, results=[])]
    answers.append(call(client, api, "answerInlineQuery", inline_query_id=query_id, results=[]))
    assert answers[0]["ok"]
    assert answers[1]["description"].startswith("Bad Request: query is too old")

    api.group_message("hi")
    assert call(client, api, "sendChatAction", chat_id=DEFAULT_GROUP_ID, action="typing")["ok"]
    assert call(client, api, "getChat", chat_id=DEFAULT_GROUP_ID)["result"]["type"] == "supergroup"
    api.my_chat_member(DEFAULT_GROUP_ID, "kicked")
    kicked = call(client, api, "sendMessage", chat_id=DEFAULT_GROUP_ID, text="x")
    assert kicked["description"] == "Forbidden: bot was kicked from the supergroup chat"
    api.my_chat_member(DEFAULT_USER_ID, "kicked")
    blocked = call(client, api, "sendMessage", chat_id=DEFAULT_USER_ID, text="x")
    assert (blocked["error_code"], blocked["description"]) == (
        403,
        "Forbidden: bot was blocked by the user",
    )


def test_http_level_faults_are_recorded(api: FakeBotApi, client: httpx.Client) -> None:
    api.fail_next("getMe", "502")
    api.fail_next("getMe", "504")
    api.fail_next("getMe", "drop")
    bad_gateway = client.post(api.method_url("getMe"))
    assert bad_gateway.status_code == 502
    assert bad_gateway.headers["content-type"] == "text/html"
    assert "<h1>502 Bad Gateway</h1>" in bad_gateway.text
    assert client.post(api.method_url("getMe")).status_code == 504
    with pytest.raises(httpx.RemoteProtocolError):
        client.post(api.method_url("getMe"))
    assert client.post(api.method_url("getMe")).json()["ok"]

    tries = api.calls_to("getMe", include_failed=True)
    assert [c.failed for c in tries] == ["502", "504", "drop", None]
    assert api.calls_to("getMe") == tries[-1:]
    with pytest.raises(ValueError, match="unknown fault kind"):
        api.fail_next("getMe", "500")  # type: ignore[arg-type]


def test_wait_for_explains_what_happened(api: FakeBotApi, client: httpx.Client) -> None:
    call(client, api, "getMe")
    threading.Timer(0.1, call, args=(client, api, "sendChatAction")).start()
    assert api.wait_for("sendChatAction", timeout=2).error == "Bad Request: chat not found"
    with pytest.raises(AssertionError) as missed:
        api.wait_for("sendMessage", lambda c: c.params["text"] == "hi", timeout=0.1)
    assert "sendMessage" in str(missed.value) and "getMe {} -> ok" in str(missed.value)
    with pytest.raises(AssertionError, match="expected 2 matching getMe"):
        api.wait_for_count("getMe", 2, timeout=0.1)


@pytest.mark.asyncio
async def test_real_ptb_bot_round_trip(api: FakeBotApi) -> None:
    async with bot_for(api) as bot:
        assert bot.username == "sco_summit_bot"
        question = api.private_message("When is the summit?")["message"]
        reply = await bot.send_message(
            DEFAULT_USER_ID, "3–4 July 2024", reply_to_message_id=question["message_id"]
        )
        assert reply.reply_to_message.text == "When is the summit?"
        assert reply.chat.id == DEFAULT_USER_ID

        first = await bot.get_updates(timeout=1)
        asyncio.get_running_loop().call_later(0.2, api.private_message, "And where?")
        started = time.monotonic()
        updates = await bot.get_updates(offset=first[-1].update_id + 1, timeout=5)
        assert time.monotonic() - started < 2
        assert [u.message.text for u in updates] == ["And where?"]
        assert updates[0].message.from_user.id == DEFAULT_USER_ID
    assert [c.method for c in api.calls][:2] == ["getMe", "sendMessage"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("429", RetryAfter),
        ("502", NetworkError),
        ("504", NetworkError),
        ("drop", NetworkError),
        ("403", Forbidden),
        ("400-chat-not-found", BadRequest),
        ("timeout", TimedOut),
        ("late", TimedOut),
    ],
)
async def test_faults_raise_ptb_errors(
    api: FakeBotApi, monkeypatch: pytest.MonkeyPatch, kind: str, error: type[Exception]
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # RetryAfter warns about ints otherwise
    api.private_message("hi")
    async with bot_for(api, read_timeout=0.3) as bot:
        api.fail_next("sendMessage", kind, retry_after=2, delay=1)  # type: ignore[arg-type]
        with pytest.raises(error) as raised:
            await bot.send_message(DEFAULT_USER_ID, "answer")
        assert (raised.type is TimedOut) == (kind in ("timeout", "late"))
        if kind == "429":
            assert raised.value.retry_after == dtm.timedelta(seconds=2)
        assert (await bot.send_message(DEFAULT_USER_ID, "again")).text == "again"
    assert [c.failed for c in api.calls_to("sendMessage", include_failed=True)] == [kind, None]
    sent = [m["text"] for m in api.messages(DEFAULT_USER_ID)]
    assert sent == (["hi", "answer", "again"] if kind == "late" else ["hi", "again"])


@pytest.mark.asyncio
async def test_application_polls_the_fake(api: FakeBotApi) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(update.message.text.upper())

    app = (
        Application.builder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=dtm.timedelta(seconds=5))
        api.private_message("astana")
        answer = await api.wait_for_async("sendMessage")
        await app.updater.stop()
        await app.stop()
    assert answer.params == {"chat_id": DEFAULT_USER_ID, "text": "ASTANA"}
    assert [c.method for c in api.calls][:3] == ["getMe", "deleteWebhook", "getUpdates"]
    assert api.pending_updates == []
