"""Speed of the product itself: cold start, batch answering, and the Telegram bot under load.

    python -m tests.bench.speed

1. Cold start: `python -m bot ask "is turkey a member?"` as a whole process, 10 runs after one
   unmeasured run (which fills the OS file cache, the .pyc files and the knowledge's parse and
   index caches, as on any machine that ran the bot once): median, min and max wall time, and peak RSS from
   `/usr/bin/time -f %M` (else resource.getrusage(RUSAGE_CHILDREN), the largest child so far).
   `python -c pass` is timed the same way, for the interpreter's own share.
2. Batch: `python -m bot ask --json -` reading 10,000 questions (the labelled set, cycled) from
   stdin: questions/s with and without its start-up, peak RSS, every output line checked.
3. The Telegram bot against tests/fake_bot_api.py's fake Bot API server on 127.0.0.1: 2,000
   questions (the labelled set, cycled) from 200 private chats and 20 groups (in groups as
   "/ask question" or "@bot question", alternately), all injected at once (--rate paces them).
   For each question: the time from injecting its update to the sendMessage call answering it,
   as the fake records it. Group answers are matched by the message they reply to; private ones
   by chat, in order, checked against the text the bot must send (computed with the same
   Responder and answer_html by a fresh process started just before the bot). Reported: p50, p99, max, total time (first injection to last
   answer), missing and duplicate answers, and the bot process's peak RSS (VmHWM in
   /proc/<pid>/status, read before it is stopped). Run twice:
   - "rate limiter on": `python -m bot run`, as in production (AIORateLimiter: 30 messages/s
     overall, 20/minute per group), with TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL as in
     tests/test_telegram_e2e.py;
   - "rate limiter off": the application built with build_application(..., rate_limited=False)
     and run_polling, exactly as bot/telegram/main.py does otherwise (same logging, knowledge,
     Responder), in its own process (`python -m tests.bench.speed --serve-bot-without-limiter`).
     Running it inside this benchmark's process would not be comparable: the fake server's
     threads would share one GIL and one RSS with the bot.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from tests.bench import LABELLED_SET, ROOT, command, machine, percentile

TOKEN = "123456789:AAE-fake-token-for-tests-only_0123"
USERNAME = "sco_summit_bot"
COLD_QUESTION = "is turkey a member?"
COLD_RUNS = 10
BATCH_QUESTIONS = 10_000
BOT_QUESTIONS = 2_000
PRIVATE_CHATS = 200
GROUPS = 20
SETTLE_SECONDS = 1.0
"""How long to keep listening after the last expected answer, to catch duplicates."""
TIME = shutil.which("time", path="/usr/bin:/bin") or None
TARGETS = {"cold start": 0.3, "ask RSS": 60, "bot RSS": 120}


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("TELEGRAM_") and k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
    return env | {"PYTHONUNBUFFERED": "1"} | extra


def labelled_questions() -> list[str]:
    import yaml

    return [item["question"] for item in yaml.safe_load(LABELLED_SET.read_text(encoding="utf-8"))]


# -- processes measured whole -----------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    peak_kb: int
    stdout: str
    returncode: int


def timed(argv: list[str], stdin: str | None = None) -> Run:
    """Run a process to its end: wall time measured here, peak RSS from /usr/bin/time."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        wrapped = [TIME, "-f", "%M", "-o", rss.name, *argv] if TIME else argv
        started = time.perf_counter()
        process = subprocess.run(wrapped, input=stdin, capture_output=True, text=True, cwd=ROOT, env=_env())
        seconds = time.perf_counter() - started
        if TIME:
            lines = [line for line in Path(rss.name).read_text().splitlines() if line.strip().isdigit()]
            peak = int(lines[-1]) if lines else 0
        else:
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {process.returncode}:\n{process.stderr[-2000:]}")
    return Run(seconds, peak, process.stdout, process.returncode)


def cold_start() -> dict:
    ask = [sys.executable, "-m", "bot", "ask", COLD_QUESTION]
    timed(ask)  # fills the caches; not counted
    runs = [timed(ask) for _ in range(COLD_RUNS)]
    if not all("turkey" in r.stdout.lower() for r in runs):
        raise RuntimeError(f"unexpected answer: {runs[0].stdout[:300]}")
    bare = [timed([sys.executable, "-c", "pass"]) for _ in range(COLD_RUNS)]
    return {"runs": runs, "bare": bare}


def batch(questions: list[str], cold_median: float) -> dict:
    wanted = list(itertools.islice(itertools.cycle(questions), BATCH_QUESTIONS))
    run = timed([sys.executable, "-m", "bot", "ask", "--json", "-"], stdin="\n".join(wanted) + "\n")
    lines = run.stdout.splitlines()
    answers = [json.loads(line) for line in lines]
    if len(answers) != len(wanted):
        raise RuntimeError(f"batch: {len(answers)} answers to {len(wanted)} questions")
    working = max(run.seconds - cold_median, 1e-9)
    return {"run": run, "questions": len(wanted), "per_second": len(wanted) / run.seconds,
            "per_second_after_start": len(wanted) / working}


# -- the Telegram bot ---------------------------------------------------------------------------------


@dataclass
class Question:
    chat_id: int
    group: bool
    text: str
    expected: str | None
    """The text the bot must send (None: not computed here, any text is accepted)."""
    message_id: int = 0
    injected: float = 0.0
    answered: float | None = None
    replies: int = 0


def _expected_reply(text: str, group: bool, responder) -> str | None:
    """What the handlers of bot/telegram/handlers.py send for this message (private or group)."""
    from bot.telegram import handlers
    from bot.telegram.html import answer_html

    def answer(question: str) -> str:
        return answer_html(responder.ask(question)) if question else handlers.ASK_USAGE

    command_match = re.match(r"^/([A-Za-z0-9_]+)(@\w+)?", text)
    if command_match:
        name = command_match.group(1).lower()
        if name == "ask":
            return answer(handlers._LEADING_COMMAND.sub("", text, count=1).strip())
        fixed = {"help": handlers.HELP, "about": handlers.ABOUT}
        return fixed.get(name) if group or name in fixed else (
            None if name in ("start", "sources") else handlers.UNKNOWN_COMMAND)
    if group:
        return answer(" ".join(re.sub(f"@{USERNAME}", " ", text, flags=re.IGNORECASE).split()))
    return answer(text)


def expected_replies() -> int:
    """Child mode: read [[text, group], ...] as JSON on stdin, print the expected replies as JSON.

    A fresh process reads the code and the knowledge as the bot started next to it does: the
    working tree may change while the benchmark runs, and this process imported bot/ long ago."""
    from bot.answer import Responder
    from bot.knowledge import load_knowledge

    responder = Responder(load_knowledge())
    messages = json.load(sys.stdin)
    json.dump([_expected_reply(text, group, responder) for text, group in messages], sys.stdout)
    return 0


def plan(questions: list[str]) -> list[Question]:
    private = [880_001 + n for n in range(PRIVATE_CHATS)]
    groups = [-1_008_800_000_001 - n for n in range(GROUPS)]
    chats = [(c, False) for c in private] + [(g, True) for g in groups]
    planned = []
    for number, text in zip(range(BOT_QUESTIONS), itertools.cycle(questions)):
        chat_id, group = chats[number % len(chats)]
        if group and not (text.startswith("/ask") or f"@{USERNAME}" in text):
            text = f"/ask {text}" if number % 2 else f"@{USERNAME} {text}"
        planned.append(Question(chat_id, group, text, None))
    child = subprocess.run([sys.executable, "-m", "tests.bench.speed", "--expected-replies"], cwd=ROOT, env=_env(),
                           input=json.dumps([[q.text, q.group] for q in planned]), capture_output=True,
                           text=True, check=True)
    for question, expected in zip(planned, json.loads(child.stdout), strict=True):
        question.expected = expected
    return planned


def _replied_to(params: dict) -> int | None:
    parameters = params.get("reply_parameters") or {}
    return parameters.get("message_id", params.get("reply_to_message_id"))


def _peak_rss_kb(pid: int) -> tuple[int, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmHWM"].split()[0]), int(fields["VmRSS"].split()[0])


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (fields 14 and 15 of /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def telegram_load(questions: list[str], *, limited: bool, rate: float) -> dict:
    from tests.fake_bot_api import FakeBotApi

    planned = plan(questions)
    argv = ([sys.executable, "-m", "bot", "run"] if limited
            else [sys.executable, "-m", "tests.bench.speed", "--serve-bot-without-limiter"])
    with FakeBotApi(token=TOKEN, bot_username=USERNAME) as api, tempfile.TemporaryFile() as log:
        spawned = time.time()
        process = subprocess.Popen(argv, cwd=ROOT, env=_env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=api.url),
                                   stdout=log, stderr=subprocess.STDOUT)
        try:
            api.wait_for("setMyCommands", timeout=30)
            ready = api.wait_for("getUpdates", timeout=30)
            startup = ready.time - spawned
            bot_cpu, own_cpu = _cpu_seconds(process.pid), _own_cpu_seconds()
            for number, question in enumerate(planned):
                if rate:
                    delay = planned[0].injected + number / rate - time.time() if number else 0
                    if delay > 0:
                        time.sleep(delay)
                question.injected = time.time()
                if question.group:
                    update = api.group_message(question.text, chat_id=question.chat_id,
                                               user_id=990_001 + number % 97)
                else:
                    update = api.private_message(question.text, user_id=question.chat_id)
                question.message_id = update["message"]["message_id"]
            expected_seconds = len(planned) / 30 if limited else 0
            deadline = time.monotonic() + 60 + expected_seconds + (len(planned) / rate if rate else 0)
            while (len(api.calls_to("sendMessage", include_failed=True)) < len(planned)
                   and time.monotonic() < deadline and process.poll() is None):
                time.sleep(0.05)
            time.sleep(SETTLE_SECONDS)
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"the bot exited {process.returncode}:\n{log.read().decode()[-3000:]}")
            peak_kb, rss_kb = _peak_rss_kb(process.pid)
            bot_cpu = _cpu_seconds(process.pid) - bot_cpu
            own_cpu = _own_cpu_seconds() - own_cpu
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        sends = api.calls_to("sendMessage", include_failed=True)
        log.seek(0)
        output = log.read().decode(errors="replace")
    return _analyse(planned, sends, limited=limited, startup=startup, peak_kb=peak_kb, rss_kb=rss_kb,
                    output=output, rate=rate, bot_cpu=bot_cpu, own_cpu=own_cpu)


def _analyse(planned: list[Question], sends, **details) -> dict:
    by_message = {(q.chat_id, q.message_id): q for q in planned if q.group}
    pending: dict[int, list[Question]] = defaultdict(list)
    for question in planned:
        if not question.group:
            pending[question.chat_id].append(question)
    errors = duplicates = unexpected = wrong_text = reordered = 0
    wrong_samples: list[str] = []
    for call in sorted(sends, key=lambda c: c.time):
        if call.failed or call.error:
            errors += 1
            continue
        chat_id, text = call.params.get("chat_id"), call.params.get("text")
        if isinstance(chat_id, int) and chat_id < 0:
            question = by_message.get((chat_id, _replied_to(call.params)))
            if question is None:
                unexpected += 1
                continue
        else:
            waiting = [q for q in pending.get(chat_id, []) if q.answered is None]
            if not waiting:
                duplicates += 1
                continue
            question = next((q for q in waiting if q.expected is None or q.expected == text), waiting[0])
            reordered += question is not waiting[0]
        question.replies += 1
        if question.replies > 1:
            duplicates += 1
            continue
        question.answered = call.time
        if question.expected is not None and question.expected != text:
            wrong_text += 1
            if len(wrong_samples) < 3:
                wrong_samples.append(f"{question.text!r} got {text[:80]!r}, expected {question.expected[:80]!r}")
    answered = [q for q in planned if q.answered is not None]
    latencies = [q.answered - q.injected for q in answered]
    first = min(q.injected for q in planned)
    last = max((q.answered for q in answered), default=first)
    return details | {
        "questions": len(planned),
        "answered": len(answered),
        "missing": len(planned) - len(answered),
        "duplicates": duplicates,
        "unexpected": unexpected,
        "errors": errors,
        "wrong_text": wrong_text,
        "wrong_samples": wrong_samples,
        "reordered": reordered,
        "p50": percentile(latencies, 0.50),
        "p99": percentile(latencies, 0.99),
        "max": max(latencies, default=float("nan")),
        "total": last - first,
        "inject_seconds": max(q.injected for q in planned) - first,
    }


def serve_without_limiter() -> int:
    """`python -m bot run` as bot/telegram/main.py runs it, but built with rate_limited=False."""
    from bot.answer import Responder
    from bot.knowledge import load_knowledge
    from bot.telegram.app import ALLOWED_UPDATES, build_application
    from bot.telegram.logs import configure_logging

    token = os.environ["TELEGRAM_BOT_TOKEN"]
    configure_logging(secrets_to_hide=[token])
    application = build_application(token, Responder(load_knowledge()), api_url=os.environ["TELEGRAM_API_URL"],
                                     rate_limited=False)
    application.run_polling(allowed_updates=ALLOWED_UPDATES, stop_signals=(signal.SIGINT, signal.SIGTERM))
    return 0


# -- report -----------------------------------------------------------------------------------------


def _s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _mb(kb: float) -> str:
    return f"{kb / 1024:.0f} MB"


def _verdict(value: float, limit: float) -> str:
    return "meets" if value < limit else "MISSES"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.speed", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=0.0, metavar="Q",
                        help="Telegram load: inject Q questions per second (default 0: all at once)")
    parser.add_argument("--skip-telegram", action="store_true", help="only the command-line measurements")
    parser.add_argument("--serve-bot-without-limiter", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--expected-replies", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_bot_without_limiter:
        return serve_without_limiter()
    if args.expected_replies:
        return expected_replies()

    started = time.perf_counter()
    print("# Speed benchmark\n")
    print(f"- command: `{command()}`")
    print(f"- machine: {machine()}")
    print(f"- peak RSS of whole processes: {'/usr/bin/time -f %M' if TIME else 'getrusage(RUSAGE_CHILDREN)'}"
          "; of the running bot: VmHWM\n", flush=True)
    questions = labelled_questions()

    cold = cold_start()
    seconds = [r.seconds for r in cold["runs"]]
    peaks = [r.peak_kb for r in cold["runs"]]
    bare = [r.seconds for r in cold["bare"]]
    cold_median = statistics.median(seconds)
    print(f"cold start done ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    batched = batch(questions, cold_median)
    print(f"batch done ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)

    print("## Command line\n")
    print("| measurement | result | peak RSS |")
    print("|---|---|---|")
    print(f"| cold start: `python -m bot ask \"{COLD_QUESTION}\"`, {COLD_RUNS} runs | median {_s(cold_median)} "
          f"(min {_s(min(seconds))}, max {_s(max(seconds))}) | {_mb(statistics.median(peaks))} "
          f"(max {_mb(max(peaks))}) |")
    print(f"| for comparison: `python -c pass`, {COLD_RUNS} runs | median {_s(statistics.median(bare))} "
          f"(min {_s(min(bare))}, max {_s(max(bare))}) | {_mb(statistics.median(r.peak_kb for r in cold['bare']))} |")
    run = batched["run"]
    print(f"| batch: `python -m bot ask --json -`, {batched['questions']:,} questions on stdin "
          f"| {run.seconds:.2f} s: {batched['per_second']:,.0f} questions/s "
          f"({batched['per_second_after_start']:,.0f}/s after start-up) | {_mb(run.peak_kb)} |")
    print()

    loads = []
    if not args.skip_telegram:
        for limited in (True, False):
            loads.append(telegram_load(questions, limited=limited, rate=args.rate))
            print(f"telegram ({'limiter on' if limited else 'limiter off'}) done "
                  f"({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
        injection = f"{args.rate:g} questions/s" if args.rate else "all at once"
        print(f"## Telegram bot, fake Bot API on 127.0.0.1: {BOT_QUESTIONS:,} questions from {PRIVATE_CHATS} "
              f"private chats and {GROUPS} groups, injected {injection}\n")
        print("| bot | answered | missing | duplicates | p50 | p99 | max | total time | answers/s "
              "| bot peak RSS (VmHWM) | start-up |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for load in loads:
            name = ("`python -m bot run` (rate limiter on, as in production)" if load["limited"]
                    else "build_application(rate_limited=False) (rate limiter off)")
            print(f"| {name} | {load['answered']}/{load['questions']} | {load['missing']} | {load['duplicates']} "
                  f"| {_s(load['p50'])} | {_s(load['p99'])} | {_s(load['max'])} | {_s(load['total'])} "
                  f"| {load['answered'] / load['total']:,.0f} | {_mb(load['peak_kb'])} | {_s(load['startup'])} |")
        print()
        for load in loads:
            extra = {k: load[k] for k in ("unexpected", "errors", "wrong_text", "reordered")}
            traceback = "Traceback" in load["output"]
            print(f"- {'limiter on' if load['limited'] else 'limiter off'}: all {load['questions']} injected in "
                  f"{_s(load['inject_seconds'])}; answers to unknown messages {extra['unexpected']}, "
                  f"failed sendMessage calls {extra['errors']}, answers whose text differs from the expected "
                  f"{extra['wrong_text']}, private answers sent out of order {extra['reordered']}, "
                  f"traceback in the bot's log: {'YES' if traceback else 'no'}; RSS at the end "
                  f"{_mb(load['rss_kb'])}; CPU used during the load: the bot {load['bot_cpu']:.1f} s "
                  f"({load['bot_cpu'] / max(load['answered'], 1) * 1000:.1f} ms per answer), this process "
                  f"(fake server, injection, polling) {load['own_cpu']:.1f} s.")
            for sample in load["wrong_samples"]:
                print(f"  - text differs: {sample}")
        print("- Latency is from injecting the update into the fake server to the fake receiving the "
              "sendMessage call; with everything injected at once it is mostly waiting in line, and with the "
              "rate limiter on, the line drains at its 30 messages/s.")

    print("\n## Targets\n")
    print(f"- cold start < {TARGETS['cold start']} s: median {_s(cold_median)}: "
          f"{_verdict(cold_median, TARGETS['cold start'])}")
    ask_peak = max(max(peaks), run.peak_kb) / 1024
    print(f"- `ask` RSS < {TARGETS['ask RSS']} MB: up to {ask_peak:.0f} MB: {_verdict(ask_peak, TARGETS['ask RSS'])}")
    for load in loads:
        peak = load["peak_kb"] / 1024
        print(f"- bot RSS < {TARGETS['bot RSS']} MB ({'limiter on' if load['limited'] else 'limiter off'}): "
              f"{peak:.0f} MB: {_verdict(peak, TARGETS['bot RSS'])}")
    print(f"\nwall time: {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
