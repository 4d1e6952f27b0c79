"""Load and validate the knowledge: sources, facts, the entity gazetteer and intents.

Every problem is collected and reported with the file and line it comes from, so that a curator
sees all of them at once. Nothing downstream reads YAML: it gets a `Knowledge` value.
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import Any

from bot.model import ASPECTS, ENTITY_TYPES, Citation, Entity, Fact, Intent, Knowledge, Language, Source
from bot.verbatim import comparable
from bot.yaml_files import LineFinder, Problem, YamlReader, YamlSyntaxError

ENTITIES_FILE = "entities.yaml"
LANGUAGE_FILE = "language.yaml"

SOURCE_FIELDS = {"id": True, "publisher": True, "title": True, "author": False, "date": True,
                 "date_text": True, "url": False, "seed_file": False, "text": True}
FACT_FIELDS = {"id": True, "topic": True, "answer": True, "citations": True, "entities": False,
               "aspect": False}
CITATION_FIELDS = {"source": True, "quote": True}
ENTITY_FIELDS = {"id": True, "name": True, "aliases": False, "context": False}
INTENT_FIELDS = {"id": True, "question": True, "examples": True, "facts": False, "keywords": False,
                 "slot": False, "aspect": False, "reply": False, "unanswered": False, "popular": False}
LANGUAGE_FIELDS = {"stopwords": True, "courtesy": True, "synonyms": True}


class KnowledgeError(Exception):
    """The knowledge has problems; `problems` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def default_root() -> Path:
    """The knowledge installed with the package, or the source checkout's own."""
    package = Path(__file__).resolve().parent
    installed = package / "_knowledge"
    return installed if installed.is_dir() else package.parent


def load_knowledge(root: Path | None = None, *, use_cache: bool = True) -> Knowledge:
    """Read and validate everything under `root`; raise KnowledgeError listing all problems."""
    loader = _Loader(root or default_root(), use_cache=use_cache)
    knowledge = loader.run()
    if loader.problems:
        raise KnowledgeError(loader.problems)
    return knowledge


class _Loader:
    def __init__(self, root: Path, *, use_cache: bool) -> None:
        self.root = root
        self.reader = YamlReader(root, use_cache=use_cache)
        self.problems: list[Problem] = []
        self._finders: dict[Path, LineFinder] = {}

    # -- reporting -----------------------------------------------------------------------------

    def _finder(self, path: Path) -> LineFinder:
        if path not in self._finders:
            self._finders[path] = LineFinder(path)
        return self._finders[path]

    def report(self, path: Path, line: int | None, message: str) -> None:
        self.problems.append(Problem(self._display(path), line, message))

    def _display(self, path: Path) -> Path:
        try:
            return path.resolve().relative_to(self.root.resolve())
        except ValueError:
            return path

    def _item_line(self, path: Path, item: dict[str, Any], index: int, occurrence: int = 1) -> int | None:
        """Line of a list item: found by its id where it has one, else by its position."""
        finder = self._finder(path)
        item_id = item.get("id") if isinstance(item, dict) else None
        if isinstance(item_id, str):
            line = finder.item("id", item_id, occurrence=occurrence)
            if line:
                return line
        return finder.nth_list_item(index)

    # -- reading -------------------------------------------------------------------------------

    def _yaml_files(self, folder: Path, *, exclude: str | None = None) -> list[Path]:
        if not folder.is_dir():
            self.report(folder, None, "folder is missing")
            return []
        return sorted(p for p in folder.glob("*.yaml") if p.name != exclude)

    def _read(self, path: Path) -> Any:
        try:
            return self.reader.load(path)
        except YamlSyntaxError as error:
            self.report(path, error.problem.line, error.problem.message)
        except OSError as error:
            self.report(path, None, f"cannot be read: {error.strerror}")
        return None

    def _fields(self, path: Path, line: int | None, item: Any, spec: dict[str, bool],
                what: str) -> dict[str, Any] | None:
        """Check an item's keys against `spec` (name -> required); None if it is not a mapping."""
        if not isinstance(item, dict):
            self.report(path, line, f"{what} must be a mapping of fields, not {type(item).__name__}")
            return None
        for name, required in spec.items():
            value = item.get(name)
            if required and (value is None or value == "" or value == []):
                self.report(path, line, f"{what} is missing required field '{name}'")
        for name in item:
            if name not in spec:
                self.report(path, self._finder(path).key(str(name), after=line) or line,
                            f"{what} has unknown field '{name}' (expected one of: {', '.join(spec)})")
        return item

    def _text(self, path: Path, line: int | None, item: dict[str, Any], name: str, what: str,
              *, optional: bool = False) -> str | None:
        value = item.get(name)
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or (not value.strip() and not optional):
            self.report(path, self._finder(path).key(name, after=line) or line,
                        f"{what}: field '{name}' must be text")
            return None
        return value.strip()

    def _text_list(self, path: Path, line: int | None, item: dict[str, Any], name: str,
                   what: str) -> tuple[str, ...]:
        value = item.get(name)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) and str(v).strip() for v in value):
            self.report(path, self._finder(path).key(name, after=line) or line,
                        f"{what}: field '{name}' must be a list of texts")
            return ()
        if any(isinstance(v, bool) for v in value):
            self.report(path, self._finder(path).key(name, after=line) or line,
                        f"{what}: '{name}' holds true/false, which YAML reads from a bare yes, no, on, "
                        "off, y or n: put that word in quotes")
        return tuple(str(v).strip() for v in value if not isinstance(v, bool))

    def _unique(self, path: Path, seen: dict[str, Path], item_id: str, kind: str,
                item: dict[str, Any], index: int) -> bool:
        if item_id in seen:
            occurrence = 2 if seen[item_id] == path else 1
            line = self._item_line(path, item, index, occurrence)
            self.report(path, line, f"duplicate {kind} id '{item_id}' (first defined in {self._display(seen[item_id])})")
            return False
        seen[item_id] = path
        return True

    # -- sections ------------------------------------------------------------------------------

    def run(self) -> Knowledge:
        sources = self._load_sources(self.root / "data" / "sources")
        entities = self._load_entities(self.root / "intents" / ENTITIES_FILE)
        facts, quotes = self._load_facts(self.root / "data" / "facts", sources, entities)
        by_aspect = self._index_aspects(facts)
        language = self._load_language(self.root / "intents" / LANGUAGE_FILE)
        intents = self._load_intents(self.root / "intents", facts, entities)
        self._check_every_source_cited(sources, facts)
        self.reader.save()
        return Knowledge(
            root=self.root,
            sources=MappingProxyType(sources),
            facts=MappingProxyType(facts),
            entities=MappingProxyType(entities),
            intents=MappingProxyType(intents),
            language=language,
            facts_by_entity_aspect=MappingProxyType(by_aspect),
            quotes_verified=quotes,
        )

    def _load_sources(self, folder: Path) -> dict[str, Source]:
        sources: dict[str, Source] = {}
        seen: dict[str, Path] = {}
        for path in self._yaml_files(folder):
            data = self._read(path)
            if data is None:
                continue
            item = self._fields(path, 1, data, SOURCE_FIELDS, "source")
            if item is None:
                continue
            line = self._finder(path).key("id") or 1
            values = {name: self._text(path, line, item, name, "source", optional=not required)
                      for name, required in SOURCE_FIELDS.items()}
            if any(values[name] is None for name, required in SOURCE_FIELDS.items() if required):
                continue
            if not self._unique(path, seen, values["id"], "source", item, 0):
                continue
            sources[values["id"]] = Source(
                id=values["id"], publisher=values["publisher"], title=values["title"],
                author=values["author"] or None, date=values["date"], date_text=values["date_text"],
                url=values["url"] or None, text=values["text"], file=path,
            )
        if not sources:
            self.report(folder, None, "no sources found")
        return sources

    def _load_entities(self, path: Path) -> dict[str, Entity]:
        entities: dict[str, Entity] = {}
        if not path.is_file():
            self.report(path, None, "entity gazetteer is missing")
            return entities
        data = self._read(path)
        if data is None:
            return entities
        if not isinstance(data, dict):
            self.report(path, 1, f"must map entity types ({', '.join(ENTITY_TYPES)}) to lists of entities")
            return entities
        seen: dict[str, Path] = {}
        alias_owner: dict[str, str] = {}
        index = 0
        for entity_type, items in data.items():
            type_line = self._finder(path).key(str(entity_type))
            if entity_type not in ENTITY_TYPES:
                self.report(path, type_line, f"unknown entity type '{entity_type}' (expected one of: {', '.join(ENTITY_TYPES)})")
                continue
            if not isinstance(items, list):
                self.report(path, type_line, f"'{entity_type}' must be a list of entities")
                continue
            for item in items:
                line = self._item_line(path, item, index)
                index += 1
                fields = self._fields(path, line, item, ENTITY_FIELDS, "entity")
                if fields is None:
                    continue
                entity_id = self._text(path, line, fields, "id", "entity")
                name = self._text(path, line, fields, "name", "entity")
                aliases = self._text_list(path, line, fields, "aliases", "entity")
                if entity_id is None or name is None:
                    continue
                if not self._unique(path, seen, entity_id, "entity", fields, index - 1):
                    continue
                for alias in (name, *aliases):
                    key = comparable(alias).casefold()
                    owner = alias_owner.setdefault(key, entity_id)
                    if owner != entity_id:
                        self.report(path, self._finder(path).text(alias, after=line) or line,
                                    f"alias '{alias}' of entity '{entity_id}' is already used by entity '{owner}'")
                context = fields.get("context", False)
                if not isinstance(context, bool):
                    self.report(path, line, f"entity '{entity_id}': 'context' must be true or false")
                    context = False
                entities[entity_id] = Entity(entity_id, entity_type, name, aliases, context)
        return entities

    def _load_facts(self, folder: Path, sources: dict[str, Source],
                    entities: dict[str, Entity]) -> tuple[dict[str, Fact], int]:
        facts: dict[str, Fact] = {}
        seen: dict[str, Path] = {}
        comparable_texts = {sid: comparable(s.text) for sid, s in sources.items()}
        verified = 0
        files = self._yaml_files(folder)
        if not files:
            self.report(folder, None, "no fact files found")
        for path in files:
            data = self._read(path)
            if data is None:
                continue
            if not isinstance(data, list):
                self.report(path, 1, "must be a list of facts")
                continue
            for index, item in enumerate(data):
                line = self._item_line(path, item, index)
                fields = self._fields(path, line, item, FACT_FIELDS, "fact")
                if fields is None:
                    continue
                fact_id = self._text(path, line, fields, "id", "fact")
                where = f"fact '{fact_id}'" if fact_id else "fact"
                topic = self._text(path, line, fields, "topic", where)
                answer = self._text(path, line, fields, "answer", where)
                fact_entities = self._text_list(path, line, fields, "entities", where)
                aspect = self._text(path, line, fields, "aspect", where)
                for entity_id in fact_entities:
                    if entity_id not in entities:
                        self.report(path, self._finder(path).key("entities", after=line) or line,
                                    f"{where} names unknown entity '{entity_id}'")
                if aspect is not None and aspect not in ASPECTS:
                    self.report(path, self._finder(path).key("aspect", after=line) or line,
                                f"{where} has unknown aspect '{aspect}' (expected one of: {', '.join(ASPECTS)})")
                    aspect = None
                if aspect and not fact_entities:
                    self.report(path, line, f"{where} has an aspect but names no entities")
                citations, ok = self._citations(path, line, fields, where, sources, comparable_texts)
                verified += ok
                if None in (fact_id, topic, answer) or not citations:
                    continue
                if not self._unique(path, seen, fact_id, "fact", fields, index):
                    continue
                facts[fact_id] = Fact(fact_id, topic, answer, citations, fact_entities, aspect, path)
        return facts, verified

    def _citations(self, path: Path, line: int | None, item: dict[str, Any], where: str,
                   sources: dict[str, Source], texts: dict[str, str]) -> tuple[tuple[Citation, ...], int]:
        raw = item.get("citations")
        if raw is None:
            return (), 0
        finder = self._finder(path)
        if not isinstance(raw, list) or not raw:
            self.report(path, finder.key("citations", after=line) or line,
                        f"{where}: 'citations' must be a non-empty list")
            return (), 0
        citations: list[Citation] = []
        verified = 0
        for cited in raw:
            cline = finder.key("source", after=line) or line
            fields = self._fields(path, cline, cited, CITATION_FIELDS, f"{where} citation")
            if fields is None:
                continue
            source_id = self._text(path, cline, fields, "source", f"{where} citation")
            quote = self._text(path, cline, fields, "quote", f"{where} citation")
            if source_id is None or quote is None:
                continue
            qline = finder.text(quote[:40], after=line) or finder.key("quote", after=line) or line
            if source_id not in sources:
                self.report(path, finder.text(source_id, after=line) or cline,
                            f"{where} cites unknown source '{source_id}' (known: {', '.join(sorted(sources))})")
                continue
            if comparable(quote) not in texts[source_id]:
                self.report(path, qline, f"{where}: quote is not verbatim in source '{source_id}': \"{quote}\"")
                continue
            verified += 1
            citations.append(Citation(sources[source_id], quote))
        return tuple(citations), verified

    def _index_aspects(self, facts: dict[str, Fact]) -> dict[tuple[str, str], Fact]:
        index: dict[tuple[str, str], Fact] = {}
        for fact in facts.values():
            if not fact.aspect:
                continue
            for entity_id in fact.entities:
                other = index.setdefault((entity_id, fact.aspect), fact)
                if other is not fact:
                    self._report_fact(fact, f"fact '{fact.id}' is a second '{fact.aspect}' fact for entity '{entity_id}' (first: '{other.id}')")
        return index

    def _report_fact(self, fact: Fact, message: str) -> None:
        path = fact.file or self.root / "data" / "facts"
        self.report(path, self._finder(path).item("id", fact.id), message)

    def _check_every_source_cited(self, sources: dict[str, Source], facts: dict[str, Fact]) -> None:
        cited = {c.source.id for f in facts.values() for c in f.citations}
        for source in sources.values():
            if source.id not in cited:
                self.report(source.file, 1, f"source '{source.id}' is cited by no fact")

    def _load_language(self, path: Path) -> Language:
        empty = Language(frozenset(), frozenset(), MappingProxyType({}))
        data = self._read(path) if path.is_file() else None
        if data is None:
            if not path.is_file():
                self.report(path, None, "language file is missing")
            return empty
        fields = self._fields(path, 1, data, LANGUAGE_FIELDS, "language file")
        if fields is None:
            return empty
        stopwords = self._text_list(path, 1, fields, "stopwords", "language file")
        courtesy = self._text_list(path, 1, fields, "courtesy", "language file")
        synonyms: dict[str, tuple[str, ...]] = {}
        raw = fields.get("synonyms")
        if not isinstance(raw, dict):
            self.report(path, self._finder(path).key("synonyms"), "'synonyms' must map concepts to lists of phrases")
            return empty
        owner: dict[str, str] = {}
        for concept, phrases in raw.items():
            line = self._finder(path).key(str(concept))
            items = self._text_list(path, line, {str(concept): phrases}, str(concept), "synonyms")
            for phrase in items:
                first = owner.setdefault(phrase.casefold(), str(concept))
                if first != concept:
                    self.report(path, self._finder(path).text(phrase, after=line) or line,
                                f"synonym '{phrase}' is listed under both '{first}' and '{concept}'")
            synonyms[str(concept)] = items
        return Language(frozenset(w.casefold() for w in stopwords), frozenset(w.casefold() for w in courtesy),
                        MappingProxyType(synonyms))

    def _load_intents(self, folder: Path, facts: dict[str, Fact],
                      entities: dict[str, Entity]) -> dict[str, Intent]:
        intents: dict[str, Intent] = {}
        seen: dict[str, Path] = {}
        for path in self._yaml_files(folder):
            if path.name in (ENTITIES_FILE, LANGUAGE_FILE):
                continue
            data = self._read(path)
            if data is None:
                continue
            if not isinstance(data, list):
                self.report(path, 1, "must be a list of intents")
                continue
            for index, item in enumerate(data):
                line = self._item_line(path, item, index)
                intent = self._intent(path, line, item, facts)
                if intent is not None and self._unique(path, seen, intent.id, "intent", item, index):
                    intents[intent.id] = intent
        return intents

    def _intent(self, path: Path, line: int | None, item: Any, facts: dict[str, Fact]) -> Intent | None:
        fields = self._fields(path, line, item, INTENT_FIELDS, "intent")
        if fields is None:
            return None
        intent_id = self._text(path, line, fields, "id", "intent")
        where = f"intent '{intent_id}'" if intent_id else "intent"
        question = self._text(path, line, fields, "question", where)
        examples = self._text_list(path, line, fields, "examples", where)
        fact_ids = self._text_list(path, line, fields, "facts", where)
        keywords = self._text_list(path, line, fields, "keywords", where)
        slot = self._text(path, line, fields, "slot", where)
        aspect = self._text(path, line, fields, "aspect", where)
        reply = self._text(path, line, fields, "reply", where)
        unanswered = self._text(path, line, fields, "unanswered", where)
        finder = self._finder(path)
        for fact_id in fact_ids:
            if fact_id not in facts:
                self.report(path, finder.text(fact_id, after=line) or line, f"{where} names unknown fact '{fact_id}'")
        if slot is not None and slot not in ENTITY_TYPES:
            self.report(path, finder.key("slot", after=line) or line,
                        f"{where} has unknown slot type '{slot}' (expected one of: {', '.join(ENTITY_TYPES)})")
        if (slot is None) != (aspect is None):
            self.report(path, line, f"{where}: 'slot' and 'aspect' go together")
        if aspect is not None and aspect not in ASPECTS:
            self.report(path, finder.key("aspect", after=line) or line,
                        f"{where} has unknown aspect '{aspect}' (expected one of: {', '.join(ASPECTS)})")
        answers = sum(bool(x) for x in (fact_ids, slot, reply))
        if answers != 1:
            self.report(path, line, f"{where} must answer with exactly one of 'facts', 'slot' + 'aspect' or 'reply'")
        if len(examples) < 6:
            self.report(path, finder.key("examples", after=line) or line,
                        f"{where} has {len(examples)} example questions; at least 6 are needed")
        if None in (intent_id, question):
            return None
        popular = fields.get("popular", 0)
        if isinstance(popular, bool) or not isinstance(popular, int) or popular < 0:
            self.report(path, finder.key("popular", after=line) or line,
                        f"{where}: 'popular' must be a rank (1 for the first example question)")
            popular = 0
        if slot is not None and question is not None and "{name}" not in question:
            self.report(path, finder.key("question", after=line) or line,
                        f"{where}: a slot intent's question must contain {{name}}")
        if unanswered is not None and slot is None:
            self.report(path, finder.key("unanswered", after=line) or line, f"{where}: 'unanswered' needs a 'slot'")
        return Intent(intent_id, question, examples, fact_ids, keywords, slot, aspect, reply, popular,
                      unanswered, path)
