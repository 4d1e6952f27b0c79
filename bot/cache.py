"""JSON files the bot keeps in the user's cache directory so that it starts faster.

Each cache is tied to one knowledge folder and holds what its owner can check is still valid (a
file's digest, a fingerprint of the inputs). Reading a missing or broken cache gives None, and
writing is skipped silently where the cache directory is not writable: a cache only saves time.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any


def cache_path(root: Path, name: str) -> Path:
    """The cache file `name` of the knowledge folder `root`."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return base / "sco-summit-bot" / f"{name}-{key}.json"


def read_json(path: Path) -> Any:
    """The content of a cache file; None when it is missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_json(path: Path, data: Any) -> None:
    """Replace a cache file at once (readers never see half of it); failures are ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), "utf-8")
        tmp.replace(path)
    except OSError:
        pass
