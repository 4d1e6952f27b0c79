"""Benchmarks, run by hand (pytest does not collect them):

    python -m tests.bench.matching   the matcher against three baselines on tests/questions.yaml
    python -m tests.bench.speed      cold start, batch throughput and the Telegram bot under load
    python -m tests.bench.robustness answers kept under typos, left-out spaces, chat around a question

See each module's docstring for what it measures and how to install what it needs.
"""

from __future__ import annotations

import math
import os
import platform
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LABELLED_SET = ROOT / "tests" / "questions.yaml"
INSTALL_HINT = "pip install torch==2.13.0 && pip install -e '.[bench]'"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> str:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return (f"{cpu_model()}, {os.cpu_count()} cores ({usable} usable), "
            f"Python {platform.python_version()} ({platform.python_implementation()}), "
            f"{platform.system()} {platform.release()}; load average at start {load}")


def command() -> str:
    """The command line this process was started with, as it could be typed again."""
    argv = list(getattr(sys, "orig_argv", sys.argv))
    if argv:
        try:
            relative = os.path.relpath(argv[0]) if os.path.isabs(argv[0]) else argv[0]
            argv[0] = argv[0] if relative.startswith("..") else relative
        except ValueError:
            pass
    return " ".join(shlex.quote(a) for a in argv)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of `values` (fraction 0.5 = median, 0.99 = p99)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]
