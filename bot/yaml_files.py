"""Reading the knowledge's YAML files: `yaml.safe_load` only, with a cache of parsed results.

PyYAML's pure-Python parser needs over 100 ms for the whole knowledge base, so each file's parsed
content is kept in a JSON cache keyed by the SHA-256 of the file's bytes: a changed file is always
parsed again, and validation always runs on the result. The cache lives in the user's cache
directory and is skipped silently where that is not writable.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.cache import cache_path, read_json, write_json

CACHE_VERSION = 1


@dataclass(frozen=True, slots=True)
class Problem:
    """One defect in the knowledge, located as precisely as the YAML allows."""

    file: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        return f"{where}: {self.message}"


class YamlSyntaxError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class YamlReader:
    """Parses YAML files under one root, reusing cached results for unchanged files."""

    def __init__(self, root: Path, *, use_cache: bool = True) -> None:
        self.root = root
        self._use_cache = use_cache
        self._cache_path = cache_path(root, "parsed")
        self._cache: dict[str, Any] = self._read_cache() if use_cache else {}
        self._dirty = False

    def _read_cache(self) -> dict[str, Any]:
        data = read_json(self._cache_path)
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return {}
        files = data.get("files")
        return files if isinstance(files, dict) else {}

    def load(self, path: Path) -> Any:
        """The parsed content of `path`; raises YamlSyntaxError naming the file and line."""
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        key = str(path.resolve())
        cached = self._cache.get(key)
        if isinstance(cached, dict) and cached.get("sha256") == digest:
            return cached["data"]
        import yaml  # here, not at the top: with the cache warm, start-up does without its 15 ms import

        try:
            data = yaml.safe_load(raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            raise YamlSyntaxError(Problem(path, None, f"not UTF-8 text ({error.reason})")) from None
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            reason = getattr(error, "problem", None) or str(error)
            raise YamlSyntaxError(Problem(path, line, f"YAML syntax error: {reason}")) from None
        if self._use_cache and _json_safe(data):
            self._cache[key] = {"sha256": digest, "data": data}
            self._dirty = True
        return data

    def save(self) -> None:
        """Write the cache back if anything new was parsed; failures are ignored."""
        if self._use_cache and self._dirty:
            write_json(self._cache_path, {"version": CACHE_VERSION, "files": self._cache})


def _json_safe(data: Any) -> bool:
    """True when `data` survives a JSON round trip unchanged (YAML dates, for instance, do not)."""
    try:
        return json.loads(json.dumps(data)) == data
    except (TypeError, ValueError):
        return False


class LineFinder:
    """Finds the line of a YAML item or field by searching the file's text.

    `yaml.safe_load` returns plain data without positions, so positions are looked up only when
    a problem is reported.
    """

    def __init__(self, path: Path) -> None:
        try:
            self._lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            self._lines = []
        self._by_key: dict[str, dict[str, list[int]]] = {}

    def item(self, key: str, value: str, *, occurrence: int = 1) -> int | None:
        """Line of the `occurrence`-th `key: value` entry (1-based), e.g. an item's `id:`."""
        lines = self._entries(key).get(value, [])
        return lines[occurrence - 1] if len(lines) >= occurrence else None

    def _entries(self, key: str) -> dict[str, list[int]]:
        """Lines of every `key: value` entry, by value; built once per key."""
        if key not in self._by_key:
            pattern = re.compile(rf"^\s*(?:-\s+)?{re.escape(key)}:\s*['\"]?(.*?)['\"]?\s*(?:#.*)?$")
            entries: dict[str, list[int]] = {}
            for number, line in enumerate(self._lines, 1):
                found = pattern.match(line)
                if found:
                    entries.setdefault(found.group(1), []).append(number)
            self._by_key[key] = entries
        return self._by_key[key]

    def nth_list_item(self, index: int) -> int | None:
        """Line where the `index`-th (0-based) top-level or nested list item starts."""
        starts = [n for n, line in enumerate(self._lines, 1) if re.match(r"^\s*-\s", line)]
        indents = {len(self._lines[n - 1]) - len(self._lines[n - 1].lstrip()) for n in starts}
        if not starts:
            return None
        outer = min(indents)
        top = [n for n in starts if len(self._lines[n - 1]) - len(self._lines[n - 1].lstrip()) == outer]
        return top[index] if index < len(top) else None

    def text(self, needle: str, *, after: int | None = None) -> int | None:
        """First line at or after `after` that contains `needle`."""
        start = (after or 1) - 1
        for number, line in enumerate(self._lines[start:], start + 1):
            if needle in line:
                return number
        return None

    def key(self, key: str, *, after: int | None = None) -> int | None:
        """First line at or after `after` that starts the mapping key `key`."""
        pattern = re.compile(rf"^\s*(-\s+)?{re.escape(key)}:")
        start = (after or 1) - 1
        for number, line in enumerate(self._lines[start:], start + 1):
            if pattern.match(line):
                return number
        return None
