"""The console interface, run as a user runs it: `python -m bot ...` in a subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.model import Knowledge

ROOT = Path(__file__).resolve().parent.parent
JSON_KEYS = {"question", "outcome", "intent", "entity", "score", "answer", "message", "sources", "suggestions"}
SOURCE_KEYS = {"id", "publisher", "title", "author", "date", "url", "quote"}


def bot(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, input=stdin, capture_output=True,
                          text=True, timeout=120, env=environment)


def test_check_prints_one_line_summary(knowledge: Knowledge) -> None:
    result = bot("check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"ok: 5 sources, {len(knowledge.facts)} facts, {len(knowledge.entities)} entities, "
        f"{len(knowledge.intents)} intents, {knowledge.quotes_verified} quotes verified"
    )


def test_check_lists_every_intent_problem_with_file_and_line(knowledge_copy: Path) -> None:
    path = knowledge_copy / "intents" / "smalltalk.yaml"
    text = path.read_text(encoding="utf-8")
    text, replaced = re.subn(r"(- id: goodbye\n(?:  .*\n)*?)  examples: \[[^\]]*\]", r"\1  examples: [bye, goodbye]", text)
    assert replaced == 1
    path.write_text(text, encoding="utf-8")
    membership = next(p for p in (knowledge_copy / "intents").glob("*.yaml")
                      if re.search(r"^  facts: \[", p.read_text(encoding="utf-8"), re.M))
    original = re.search(r"^  facts: \[.*\]$", membership.read_text(encoding="utf-8"), re.M).group(0)
    membership.write_text(membership.read_text(encoding="utf-8").replace(original, "  facts: [no-such-fact]", 1),
                          encoding="utf-8")
    result = bot("--knowledge", str(knowledge_copy), "check")
    assert result.returncode == 1
    assert re.search(r"intents/smalltalk\.yaml:\d+: intent 'goodbye' has 2 example questions", result.stderr)
    assert re.search(rf"intents/{membership.name}:\d+: intent '[a-z0-9-]+' names unknown fact 'no-such-fact'",
                     result.stderr)


def test_ask_prints_answer_then_quoted_sources(knowledge: Knowledge) -> None:
    result = bot("ask", "is turkey a member of the sco?")
    assert result.returncode == 0
    fact = knowledge.fact_about("turkey", "status")
    assert result.stdout.startswith(fact.answer)
    for citation in fact.citations:
        assert f"“{citation.quote}”" in result.stdout
        assert f"— {citation.source.publisher}" in result.stdout


def test_ask_json_has_the_documented_shape() -> None:
    result = bot("ask", "--json", "did modi attend the summit?")
    data = json.loads(result.stdout)
    assert set(data) == JSON_KEYS
    assert data["outcome"] == "answer" and data["intent"] and data["answer"]
    assert data["sources"] and all(set(s) == SOURCE_KEYS for s in data["sources"])


def test_ask_json_declines_with_nulls() -> None:
    data = json.loads(bot("ask", "--json", "what is the weather in paris").stdout)
    assert data["outcome"] in ("abstain", "suggest")
    assert data["intent"] is None and data["answer"] is None and data["sources"] == []


def test_batch_mode_answers_every_line_in_order() -> None:
    questions = ["who attended?", "", "is turky a member", "tell me a joke", "🙂", "x" * 5000] * 50
    result = bot("ask", "--json", "-", stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [json.loads(line)["question"] for line in lines] == questions


def test_ask_does_not_import_telegram() -> None:
    code = "import sys; from bot.cli import main; main(['ask', 'hi']); assert 'telegram' not in sys.modules"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_chat_reads_until_end_of_input() -> None:
    result = bot("chat", stdin="is turkey a member?\n\nthanks\n")
    assert result.returncode == 0
    assert "Türkiye" in result.stdout or "Turkey" in result.stdout
    assert "welcome" in result.stdout.lower()


def test_run_without_token_exits_2_with_a_clear_message() -> None:
    result = bot("run")
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr and "Traceback" not in result.stderr


def test_run_with_malformed_token_exits_2_without_echoing_it() -> None:
    result = bot("run", env={"TELEGRAM_BOT_TOKEN": "not-a-token-secret-value"})
    assert result.returncode == 2
    assert "not-a-token-secret-value" not in result.stderr + result.stdout


def test_no_subcommand_without_token_says_it_starts_the_console() -> None:
    result = bot(stdin="")
    assert result.returncode == 0
    first = result.stdout.splitlines()[0]
    assert "console" in first and "TELEGRAM_BOT_TOKEN" in first


LABELLED = ROOT / "tests" / "questions.yaml"
DEVELOPMENT = ROOT / "tests" / "dev_questions.yaml"


# The test set must meet the bar: 95 % correct, <= 2 % wrong, <= 2 % out of scope answered.
# The development set, which the thresholds are calibrated on, is guarded at the level reached
# (see README), so that no change makes it worse.
BARS = {
    LABELLED: {"--min-correct": "0.95", "--max-wrong": "0.02", "--max-out-of-scope": "0.02"},
    DEVELOPMENT: {"--min-correct": "0.935", "--max-wrong": "0.013", "--max-out-of-scope": "0.02"},
}


@pytest.mark.parametrize("labelled", BARS, ids=lambda path: path.name)
def test_question_set_meets_its_bar(labelled: Path) -> None:
    result = bot("eval", str(labelled), *[x for pair in BARS[labelled].items() for x in pair])
    assert result.returncode == 0, result.stdout + result.stderr


def test_eval_fails_below_a_threshold() -> None:
    result = bot("eval", str(LABELLED), "--min-correct", "0.999")
    assert result.returncode == 1 and "below threshold" in result.stderr
