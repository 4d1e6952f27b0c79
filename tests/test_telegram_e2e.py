"""End to end: `python -m bot run` against the fake Bot API server of tests/fake_bot_api.py.

One bot process serves the module's tests (each test uses its own chat ids); its whole output is
checked at the end for the token. Faults (429, 502, dropped connections, timeouts, 403) are
injected by the fake server.
"""

from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.answer import Responder
from bot.model import Knowledge
from bot.telegram.html import escape
from tests.fake_bot_api import Call, FakeBotApi

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:AAE-fake-token-for-tests-only_0123"
USERNAME = "sco_summit_bot"
_ids = itertools.count(70_001)


def new_user() -> int:
    return next(_ids)


def new_group() -> int:
    return -1_000_000_000_000 - next(_ids)


@dataclass
class BotProcess:
    process: subprocess.Popen[bytes]
    output: Path

    def text(self) -> str:
        return self.output.read_text(encoding="utf-8", errors="replace")


def start_bot(api: FakeBotApi, output: Path) -> BotProcess:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("TELEGRAM_") and k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
    env |= {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": api.url, "PYTHONUNBUFFERED": "1"}
    with output.open("wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
                                   stdout=sink, stderr=subprocess.STDOUT)
    bot = BotProcess(process, output)
    try:
        api.wait_for("setMyCommands", timeout=30)
        api.wait_for("getUpdates", timeout=30)
    except AssertionError:
        process.kill()
        raise AssertionError(f"the bot did not start:\n{bot.text()}") from None
    return bot


@pytest.fixture(scope="module")
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN, bot_username=USERNAME) as server:
        yield server


@pytest.fixture(scope="module")
def bot(api: FakeBotApi, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    running = start_bot(api, tmp_path_factory.mktemp("bot") / "output.log")
    yield running
    running.process.send_signal(signal.SIGTERM)
    running.process.wait(timeout=10)
    assert TOKEN not in running.text()
    assert TOKEN.split(":")[1] not in running.text()


@pytest.fixture(scope="module")
def responder(knowledge: Knowledge) -> Responder:
    return Responder(knowledge)


def sent_to(chat_id: int):
    return lambda call: call.params.get("chat_id") == chat_id


def reply(api: FakeBotApi, chat_id: int, timeout: float = 10.0) -> Call:
    return api.wait_for("sendMessage", sent_to(chat_id), timeout=timeout)


def buttons(call: Call) -> list[dict]:
    markup = call.params.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def replied_to(call: Call) -> int | None:
    parameters = call.params.get("reply_parameters") or {}
    return parameters.get("message_id", call.params.get("reply_to_message_id"))


# -- private chats -----------------------------------------------------------------------------


def test_commands_are_registered_at_startup(api: FakeBotApi, bot: BotProcess) -> None:
    commands = {c["command"] for c in api.wait_for("setMyCommands").params["commands"]}
    assert {"start", "help", "ask", "sources", "about"} <= commands


def test_private_question_is_answered_with_quote_and_link(api: FakeBotApi, bot: BotProcess, knowledge: Knowledge) -> None:
    user = new_user()
    api.private_message("Is Turkey a member of the SCO?", user_id=user)
    call = reply(api, user)
    fact = knowledge.fact_about("turkey", "status")
    text = call.params["text"]
    assert call.params["parse_mode"] == "HTML"
    assert escape(fact.answer) in text
    citation = fact.citations[0]
    assert f"<blockquote>{escape(citation.quote)}</blockquote>" in text
    if citation.source.url:
        assert f'<a href="{citation.source.url}">' in text
    assert call.params["link_preview_options"]["is_disabled"] is True
    assert any(b.get("switch_inline_query") for b in buttons(call)), "answers carry a Share button"


def test_typo_question_is_answered(api: FakeBotApi, bot: BotProcess, knowledge: Knowledge) -> None:
    user = new_user()
    api.private_message("did erdgan atend the sumit", user_id=user)
    text = reply(api, user).params["text"]
    assert escape(knowledge.fact_about("erdogan", "attendance").answer) in text


def test_suggestion_then_button_press(api: FakeBotApi, bot: BotProcess, responder: Responder) -> None:
    unsure = ["putin and india", "kazakhstan role", "turkey?", "china and the west", "tokayev and xi"]
    question = next((q for q in unsure if responder.ask(q).outcome == "suggest"), None)
    assert question is not None, "none of these questions makes the engine unsure any more: add one"
    expected = responder.ask(question)
    user = new_user()
    api.private_message(question, user_id=user)
    call = reply(api, user)
    options = buttons(call)
    assert [b["text"] for b in options] == [s.question for s in expected.suggestions]
    chosen = expected.suggestions[0]
    api.callback_query(options[0]["callback_data"], call.result, user_id=user)
    api.wait_for("answerCallbackQuery")
    answer = api.wait_for_count("sendMessage", 2, predicate=sent_to(user))[1]
    wanted = responder.answer_intent(chosen.intent, chosen.entity)
    assert escape(wanted.text) in answer.params["text"]


def test_abstain_is_honest_and_offers_examples(api: FakeBotApi, bot: BotProcess) -> None:
    user = new_user()
    api.private_message("what's the weather in Paris tomorrow?", user_id=user)
    call = reply(api, user)
    assert "don't cover" in call.params["text"]
    assert "<blockquote>" not in call.params["text"]
    assert 2 <= len(buttons(call)) <= 3


def test_start_help_sources_about(api: FakeBotApi, bot: BotProcess, knowledge: Knowledge) -> None:
    user = new_user()
    api.private_message("/start", user_id=user)
    start = reply(api, user)
    assert "SCO summit" in start.params["text"] and len(buttons(start)) == 3
    for command in ("/help", "/sources", "/about"):
        api.private_message(command, user_id=user)
    calls = api.wait_for_count("sendMessage", 4, predicate=sent_to(user))
    help_text, sources_text, about_text = (c.params["text"] for c in calls[1:])
    assert "/ask" in help_text
    for source in knowledge.sources.values():
        assert escape(source.title) in sources_text
        if source.url:
            assert source.url in sources_text
    assert "five public documents" in about_text


def test_deep_link_opens_an_answer(api: FakeBotApi, bot: BotProcess, responder: Responder) -> None:
    user = new_user()
    api.private_message("/start country-status__turkey", user_id=user)
    expected = responder.answer_intent("country-status", "turkey")
    assert escape(expected.text) in reply(api, user).params["text"]


def test_stale_deep_link_falls_back_to_welcome(api: FakeBotApi, bot: BotProcess) -> None:
    user = new_user()
    api.private_message("/start no-such-intent", user_id=user)
    calls = api.wait_for_count("sendMessage", 2, predicate=sent_to(user))
    assert "no longer" in calls[0].params["text"] and "SCO summit" in calls[1].params["text"]


def test_forged_callback_data_gets_an_alert(api: FakeBotApi, bot: BotProcess) -> None:
    user = new_user()
    api.private_message("/start", user_id=user)
    start = reply(api, user)
    for forged in ("q|no-such-intent|", "q|country-status|atlantis", "x" * 64, "q|country-status|", "💥"):
        api.callback_query(forged, start.result, user_id=user)
    alerts = api.wait_for_count("answerCallbackQuery", 5, predicate=lambda c: c.params.get("show_alert") is True)
    assert all("no longer works" in c.params["text"] for c in alerts[-5:])
    time.sleep(0.3)
    assert len(api.calls_to("sendMessage")) == len([c for c in api.calls_to("sendMessage")])
    assert len([c for c in api.calls_to("sendMessage") if sent_to(user)(c)]) == 1


def test_long_message_and_html_are_safe(api: FakeBotApi, bot: BotProcess) -> None:
    user = new_user()
    api.private_message("<b>who</b> attended & <script>alert(1)</script> " + "x" * 5000, user_id=user)
    text = reply(api, user).params["text"]
    assert len(text) <= 4096 and "<script>" not in text and "<b>who</b>" not in text


def test_non_text_messages_get_a_hint_in_private(api: FakeBotApi, bot: BotProcess) -> None:
    user = new_user()
    api.sticker_message(user_id=user)
    assert "only read text" in reply(api, user).params["text"]


def test_edited_messages_and_channel_posts_are_ignored(api: FakeBotApi, bot: BotProcess) -> None:
    user = new_user()
    first = api.private_message("who attended?", user_id=user)
    reply(api, user)
    api.edited_message(first, "who hosted?")
    api.channel_post("who attended the summit?")
    api.private_message("thanks", user_id=user)
    calls = api.wait_for_count("sendMessage", 2, predicate=sent_to(user))
    assert "welcome" in calls[1].params["text"].lower()
    assert not api.calls_to("sendMessage", include_failed=True) or all(
        c.params.get("chat_id") != -1009876543210 for c in api.calls_to("sendMessage"))


# -- groups ------------------------------------------------------------------------------------


def test_group_chatter_is_ignored_and_addressed_questions_answered(api: FakeBotApi, bot: BotProcess) -> None:
    group = new_group()
    api.group_message("anyone up for lunch? who attended the meeting yesterday?", chat_id=group)
    api.group_message("is turkey a member of the sco", chat_id=group)
    api.sticker_message(chat_id=group)
    mention = api.group_message(f"@{USERNAME} is turkey a member of the sco?", chat_id=group)
    command = api.group_message(f"/ask@{USERNAME} who attended the summit?", chat_id=group)
    plain_command = api.group_message("/ask when was the summit?", chat_id=group)
    calls = api.wait_for_count("sendMessage", 3, predicate=sent_to(group))
    time.sleep(0.5)
    calls = [c for c in api.calls_to("sendMessage") if sent_to(group)(c)]
    assert sorted(replied_to(c) for c in calls) == sorted(
        m["message"]["message_id"] for m in (mention, command, plain_command))


def test_group_reply_to_the_bot_is_answered(api: FakeBotApi, bot: BotProcess, knowledge: Knowledge) -> None:
    group = new_group()
    api.group_message(f"/ask@{USERNAME} is turkey a member?", chat_id=group)
    first = reply(api, group)
    follow_up = api.group_message("and did erdogan attend?", chat_id=group, reply_to_message=first.result)
    calls = api.wait_for_count("sendMessage", 2, predicate=sent_to(group))
    assert replied_to(calls[1]) == follow_up["message"]["message_id"]
    assert escape(knowledge.fact_about("erdogan", "attendance").answer) in calls[1].params["text"]


def test_group_abstain_only_when_addressed(api: FakeBotApi, bot: BotProcess) -> None:
    group = new_group()
    api.group_message("what a nice day, what's the weather like?", chat_id=group)
    asked = api.group_message(f"@{USERNAME} what's the weather like?", chat_id=group)
    call = reply(api, group)
    assert replied_to(call) == asked["message"]["message_id"]
    time.sleep(0.3)
    assert len([c for c in api.calls_to("sendMessage") if sent_to(group)(c)]) == 1


def test_messages_from_other_bots_are_ignored(api: FakeBotApi, bot: BotProcess) -> None:
    group = new_group()
    api.message_from_bot(f"@{USERNAME} who attended?", chat_id=group)
    api.group_message(f"@{USERNAME} who attended?", chat_id=group)
    reply(api, group)
    time.sleep(0.3)
    assert len([c for c in api.calls_to("sendMessage") if sent_to(group)(c)]) == 1


def test_added_to_a_group_introduces_itself(api: FakeBotApi, bot: BotProcess) -> None:
    group = new_group()
    api.my_chat_member(group, "member")
    assert "/ask" in reply(api, group).params["text"]
    api.my_chat_member(group, "left")
    time.sleep(0.3)
    assert len([c for c in api.calls_to("sendMessage") if sent_to(group)(c)]) == 1


# -- inline mode -------------------------------------------------------------------------------


def test_inline_query_with_text_returns_the_answer(api: FakeBotApi, bot: BotProcess, responder: Responder) -> None:
    user = new_user()
    api.inline_query("is turkey a member of the sco", user_id=user)
    call = api.wait_for("answerInlineQuery", lambda c: c.params.get("results"))
    result = call.params["results"][0]
    expected = responder.answer_intent("country-status", "turkey")
    assert escape(expected.text) in result["input_message_content"]["message_text"]
    assert "<blockquote>" in result["input_message_content"]["message_text"]
    assert call.params["cache_time"] > 0 and not call.params.get("is_personal", False)


def test_empty_inline_query_returns_popular_questions(api: FakeBotApi, bot: BotProcess, responder: Responder) -> None:
    before = len(api.calls_to("answerInlineQuery"))
    api.inline_query("", user_id=new_user())
    call = api.wait_for_count("answerInlineQuery", before + 1)[-1]
    titles = [r["title"] for r in call.params["results"]]
    assert titles == [s.question for s in responder.popular][: len(titles)] and titles


# -- reliability -------------------------------------------------------------------------------


def test_429_is_waited_out_and_the_message_arrives(api: FakeBotApi, bot: BotProcess) -> None:
    user = new_user()
    api.fail_next("sendMessage", "429", retry_after=1)
    api.private_message("who attended the summit?", user_id=user)
    delivered = reply(api, user, timeout=15)
    failed = [c for c in api.calls_to("sendMessage", include_failed=True) if c.failed == "429"]
    assert failed and failed[-1].time < delivered.time


@pytest.mark.parametrize("fault", ["502", "504", "drop"])
def test_gateway_errors_and_dropped_connections_are_retried(api: FakeBotApi, bot: BotProcess, fault: str) -> None:
    user = new_user()
    api.fail_next("sendMessage", fault)
    api.private_message("is iran a member?", user_id=user)
    delivered = reply(api, user, timeout=15)
    assert any(c.failed == fault and c.time < delivered.time for c in api.calls_to("sendMessage", include_failed=True))


def test_timeout_is_logged_and_the_bot_carries_on(api: FakeBotApi, bot: BotProcess) -> None:
    """The fake delivers the message but answers after the bot's read timeout: the bot must log
    it and must not send the answer a second time."""
    user, other = new_user(), new_user()
    api.fail_next("sendMessage", "late", delay=7)
    api.private_message("is iran a member?", user_id=user)
    api.wait_for("sendMessage", sent_to(user), include_failed=True, timeout=15)
    api.private_message("is iran a member?", user_id=other)
    reply(api, other, timeout=15)
    deadline = time.monotonic() + 15
    while "timed out" not in bot.text() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "timed out" in bot.text()
    time.sleep(1.5)
    delivered = [c for c in api.calls_to("sendMessage", include_failed=True) if sent_to(user)(c)]
    assert len(delivered) == 1, "a timed-out send is not resent"


def test_blocked_user_is_logged_and_the_bot_carries_on(api: FakeBotApi, bot: BotProcess) -> None:
    blocked, other = new_user(), new_user()
    api.fail_next("sendMessage", "403")
    api.private_message("who attended?", user_id=blocked)
    api.wait_for("sendMessage", sent_to(blocked), include_failed=True)
    api.private_message("who attended?", user_id=other)
    reply(api, other)
    assert "blocked" in bot.text() and "Traceback" not in bot.text()


def test_no_token_in_output_so_far(bot: BotProcess) -> None:
    assert TOKEN not in bot.text()


# -- shutdown ----------------------------------------------------------------------------------


def test_sigterm_stops_the_bot_within_five_seconds(tmp_path: Path) -> None:
    with FakeBotApi(token=TOKEN, bot_username=USERNAME) as own_api:
        running = start_bot(own_api, tmp_path / "output.log")
        time.sleep(0.5)
        started = time.monotonic()
        running.process.send_signal(signal.SIGTERM)
        code = running.process.wait(timeout=10)
        assert time.monotonic() - started < 5
        assert code == 0
        assert TOKEN not in running.text() and "Traceback" not in running.text()


# -- webhook mode ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_webhook_mode_verifies_the_secret_token(tmp_path: Path) -> None:
    port, secret = _free_port(), "s3cret-for-tests"
    with FakeBotApi(token=TOKEN, bot_username=USERNAME) as own_api:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
        env |= {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": own_api.url, "TELEGRAM_WEBHOOK_SECRET": secret}
        with (tmp_path / "output.log").open("wb") as sink:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run", "--webhook-url", f"http://127.0.0.1:{port}/hook",
                 "--listen", f"127.0.0.1:{port}"], cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
        try:
            registered = own_api.wait_for("setWebhook", timeout=30)
            assert registered.params["secret_token"] == secret
            user = new_user()
            update = own_api.private_message("is turkey a member?", user_id=user)
            url = f"http://127.0.0.1:{port}/hook"
            deadline = time.monotonic() + 10
            while True:
                try:
                    forged = httpx.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
                    break
                except httpx.ConnectError:
                    assert time.monotonic() < deadline, "the webhook server did not start"
                    time.sleep(0.2)
            assert forged.status_code == 403
            genuine = httpx.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret})
            assert genuine.status_code == 200
            answer = own_api.wait_for("sendMessage", sent_to(user), timeout=10)
            assert len([c for c in own_api.calls_to("sendMessage") if sent_to(user)(c)]) == 1
            assert "Turkey" in answer.params["text"] or "Türkiye" in answer.params["text"]
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)
        output = (tmp_path / "output.log").read_text(encoding="utf-8")
        assert TOKEN not in output and secret not in output


def test_quick_questions_in_one_chat_are_answered_in_order(api: FakeBotApi, bot: BotProcess, responder: Responder) -> None:
    user = new_user()
    questions = ["is turkey a member?", "is iran a member?", "is egypt a member?", "is qatar a member?",
                 "is nepal a member?", "is kuwait a member?"]
    for question in questions:
        api.private_message(question, user_id=user)
    calls = api.wait_for_count("sendMessage", len(questions), predicate=sent_to(user), timeout=20)
    expected = [escape(responder.ask(q).text) for q in questions]
    assert [next(i for i, e in enumerate(expected) if e in c.params["text"]) for c in calls] == list(range(len(questions)))
