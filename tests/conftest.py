"""Shared fixtures: the project's knowledge, loaded once per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge import load_knowledge
from bot.model import Knowledge

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge(ROOT, use_cache=False)


@pytest.fixture()
def knowledge_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ and intents/, for planting defects."""
    for folder in ("data", "intents"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path
