"""The texts in content/: the MUS guide, the themes vocabulary, the stress tool and the UI
strings, in every language, loaded into frozen dataclasses.

Everything is checked when it is loaded, so a slip in a YAML file shows up once, as a
ContentError naming the file and the key, instead of as a broken page in front of a user.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import yaml

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"
CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
CONTENT_DIR_VARIABLE = "TRIVSEL_CONTENT_DIR"  # another content folder, e.g. an edited copy
FILES = ("guide.yaml", "themes.yaml", "stress_tool.yaml", "ui.yaml")

# Saved preparation notes and flags point at these ids, so the content must keep them:
# renaming one in a YAML file would silently cut employees off from what they wrote.
QUESTION_IDS = ("zone_1", "zone_2", "factors_1", "factors_2", "factors_3", "factors_4")
PREPARATION_ITEM = "preparation"  # the item id of notes on the guide's preparation question
STEP_IDS = ("before", "during", "after")
ZONE_IDS = ("thriving", "risk", "danger")
THEME_SOURCES = ("guide", "bek1406", "common")

_ID = re.compile(r"[a-z][a-z0-9_]*\Z")
# Values of these keys inside list items are identifiers, not text: equal in every language.
_IDENTIFIER_KEY = re.compile(r"\]\.(?:id|group|source)\Z")
_GUIDE_TEXTS = (
    "title",
    "preparation_question",
    "framing_advice",
    "purpose_statement",
    "dialogue_intro",
    "followup_meeting",
    "confidentiality_note",
)
_TOOL_TEXTS = ("title", "intro", "what_helps", "pamphlet", "no_pamphlet")


class ContentError(Exception):
    """A content file is missing, unreadable or breaks the schema."""

    ADVICE = (
        "Fix that file in the content folder (TRIVSEL_CONTENT_DIR, else content/ beside "
        "app.py) or restore it from the release, then start again."
    )

    def __init__(self, file: str, key: str, problem: str) -> None:
        self.file, self.key, self.problem = file, key, problem
        where = ": ".join(part for part in (file, key, problem) if part)
        super().__init__(f"{where}. {self.ADVICE}")


@dataclass(frozen=True)
class FollowUp:
    text: str
    followups: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    id: str
    group_id: str
    number: int  # 1-based within its group, as the guide numbers them
    text: str
    followups: tuple[FollowUp, ...]


@dataclass(frozen=True)
class QuestionGroup:
    id: str
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    text: str


@dataclass(frozen=True)
class Guide:
    title: str
    steps: tuple[Step, ...]
    preparation_question: str
    framing_advice: str
    purpose_statement: str
    dialogue_intro: str
    question_groups: tuple[QuestionGroup, ...]
    followup_meeting: str
    confidentiality_note: str

    def questions(self) -> tuple[Question, ...]:
        """All questions in reading order."""
        return tuple(q for group in self.question_groups for q in group.questions)

    def question(self, question_id: str) -> Question:
        return _by_id(self.questions(), question_id, "question")

    def step(self, step_id: str) -> Step:
        return _by_id(self.steps, step_id, "step")


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    group: str
    source: str  # guide | bek1406 | common


@dataclass(frozen=True)
class Zone:
    id: str
    name: str
    description: str
    signs: tuple[str, ...]


@dataclass(frozen=True)
class SignGroup:
    title: str
    signs: tuple[str, ...]


@dataclass(frozen=True)
class StressTool:
    title: str
    intro: str
    zones: tuple[Zone, ...]
    signs_intro: str
    sign_groups: tuple[SignGroup, ...]
    what_helps: str
    pamphlet: str
    no_pamphlet: str


@dataclass(frozen=True)
class Language:
    code: str
    guide: Guide
    themes: tuple[Theme, ...]
    theme_groups: Mapping[str, str]
    stress_tool: StressTool
    ui: Mapping[str, str]

    def t(self, key: str, **values: object) -> str:
        """The UI string `key` ("section.name"), filled with `values` when given."""
        try:
            text = self.ui[key]
        except KeyError:
            raise KeyError(f"no UI string {key!r} in content/{self.code}/ui.yaml") from None
        return text.format(**values) if values else text

    def theme(self, theme_id: str) -> Theme:
        return _by_id(self.themes, theme_id, "theme")


@dataclass(frozen=True)
class Content:
    languages: Mapping[str, Language]

    def get(self, code: str | None) -> Language:
        """The language `code`, or the default language for an unknown code."""
        return self.languages.get(code) or self.languages[DEFAULT_LANGUAGE]


def _by_id(items, item_id, what):
    for item in items:
        if item.id == item_id:
            return item
    raise KeyError(f"unknown {what} id {item_id!r}")


def configured_dir() -> Path:
    """The content folder: TRIVSEL_CONTENT_DIR when set, else content/ beside the code."""
    return Path(os.environ.get(CONTENT_DIR_VARIABLE) or CONTENT_DIR)


def ui_files(content_dir: Path = CONTENT_DIR) -> tuple[str, ...]:
    """ui.yaml plus one ui_<page>.yaml per page, as the default language has them."""
    extra = sorted(p.name for p in (content_dir / DEFAULT_LANGUAGE).glob("ui_*.yaml"))
    return ("ui.yaml", *extra)


def load(content_dir: Path | None = None) -> Content:
    """Read and check every content file in every language; raise ContentError if wrong."""
    content_dir = configured_dir() if content_dir is None else content_dir
    names = (*FILES[:-1], *ui_files(content_dir))
    files = {code: {name: _read(content_dir, code, name) for name in names} for code in LANGUAGES}
    languages = {code: _language(code, files[code]) for code in LANGUAGES}
    for code in (c for c in LANGUAGES if c != DEFAULT_LANGUAGE):
        for name in names:
            _same_keys(files[DEFAULT_LANGUAGE][name], files[code][name])
    return Content(MappingProxyType(languages))


# --- reading -------------------------------------------------------------------------


class _RefuseDuplicates:
    """A loader that refuses a repeated key, which YAML would silently let win."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        seen = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            if key_node.value in seen:
                mark = key_node.start_mark
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key_node.value!r}", mark
                )
            seen.add(key_node.value)
        return mapping


class _Loader(_RefuseDuplicates, yaml.SafeLoader):
    """The safe loader, in Python: its error messages are the ones the operator sees."""


class _FastLoader(_RefuseDuplicates, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same safe loading with libyaml's parser (when PyYAML has it): several times
    faster, and reading the content was most of the app's first script run."""


def _parse(text: str) -> object:
    try:
        return yaml.load(text, Loader=_FastLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError:
        # libyaml words its errors differently: read again to report them as always.
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader)


def _read(content_dir: Path, code: str, name: str) -> _Node:
    file = f"{content_dir.name}/{code}/{name}"
    try:
        text = (content_dir / code / name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(file, "", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(file, "", f"cannot be read ({exc})") from None
    try:
        return _Node(file, "", _parse(text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}" if mark else ""
        raise ContentError(
            file, line, f"not valid YAML: {getattr(exc, 'problem', None) or exc}"
        ) from None


@dataclass(frozen=True)
class _Node:
    """A value in one YAML file with its key path, so every error can name both."""

    file: str
    key: str
    value: object

    def error(self, problem: str) -> ContentError:
        return ContentError(self.file, self.key, problem)

    def entries(self) -> dict[str, _Node]:
        if not isinstance(self.value, dict):
            raise self.error(f"must be a mapping, not {_kind(self.value)}")
        prefix = f"{self.key}." if self.key else ""
        for key in self.value:
            if not isinstance(key, str):  # YAML reads a bare no, yes, on, off or 12 as non-text
                raise self.error(f"key {key!r} is not text; put it in quotes")
        return {k: _Node(self.file, f"{prefix}{k}", v) for k, v in self.value.items()}

    def fields(self, *required: str, optional: tuple[str, ...] = ()) -> dict[str, _Node]:
        entries = self.entries()
        for name, node in entries.items():
            if name not in required + optional:
                raise node.error("unknown key")
        for name in required:
            if name not in entries or entries[name].value is None:
                raise ContentError(self.file, f"{self.key}.{name}".lstrip("."), "missing")
        return entries

    def items(self, allow_empty: bool = False) -> list[_Node]:
        if not isinstance(self.value, list):
            raise self.error(f"must be a list, not {_kind(self.value)}")
        if not self.value and not allow_empty:
            raise self.error("empty")
        return [_Node(self.file, f"{self.key}[{i}]", v) for i, v in enumerate(self.value)]

    def text(self, allow_empty: bool = False) -> str:
        if not isinstance(self.value, str):
            raise self.error(f"must be text, not {_kind(self.value)}")
        if not self.value.strip() and not allow_empty:
            raise self.error("empty")
        _placeholders(self)
        return self.value.strip()

    def texts(self) -> tuple[str, ...]:
        return tuple(item.text() for item in self.items())

    def new_id(self, seen: set[str]) -> str:
        value = _valid_id(self, self.text())
        if value in seen:
            raise self.error(f"duplicate id {value!r}")
        seen.add(value)
        return value


def _valid_id(node: _Node, value: str) -> str:
    if not _ID.match(value):
        raise node.error(f"{value!r} is not an id (lowercase letters, digits and _)")
    return value


def _kind(value: object) -> str:
    kinds = {
        "NoneType": "nothing",
        "dict": "a mapping",
        "list": "a list",
        "str": "text",
        "int": "a number",
        "float": "a number",
        "bool": "true/false",
    }
    return kinds.get(type(value).__name__, f"a {type(value).__name__}")


def _placeholders(node: _Node) -> frozenset[str]:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(node.value) if name is not None}
    except ValueError as exc:
        raise node.error(f"broken placeholder ({exc}); write {{{{ for a literal brace") from None
    for name in names:
        if not name.isidentifier():
            raise node.error(f"placeholder {{{name}}} needs a plain name, like {{organisation}}")
    return frozenset(names)


def _expect(node: _Node, found: tuple[str, ...], expected: tuple[str, ...], what: str) -> None:
    if found != expected:
        raise node.error(f"{what} must be {', '.join(expected)} (found {', '.join(found)})")


# --- building ------------------------------------------------------------------------


def _language(code: str, files: Mapping[str, _Node]) -> Language:
    groups, themes = _themes(files["themes.yaml"])
    return Language(
        code=code,
        guide=_guide(files["guide.yaml"]),
        themes=themes,
        theme_groups=MappingProxyType(groups),
        stress_tool=_stress_tool(files["stress_tool.yaml"]),
        ui=MappingProxyType(_merged_ui(files)),
    )


def _guide(node: _Node) -> Guide:
    f = node.fields(*_GUIDE_TEXTS, "steps", "question_groups")
    step_ids: set[str] = set()
    steps = tuple(_step(n, step_ids) for n in f["steps"].items())
    _expect(f["steps"], tuple(s.id for s in steps), STEP_IDS, "step ids")
    group_ids: set[str] = set()
    question_ids: set[str] = set()
    groups = tuple(_group(n, group_ids, question_ids) for n in f["question_groups"].items())
    _expect(
        f["question_groups"],
        tuple(sorted(question_ids)),
        tuple(sorted(QUESTION_IDS)),
        "question ids",
    )
    texts = {name: f[name].text() for name in _GUIDE_TEXTS}
    return Guide(steps=steps, question_groups=groups, **texts)


def _step(node: _Node, seen: set[str]) -> Step:
    f = node.fields("id", "title", "text")
    return Step(f["id"].new_id(seen), f["title"].text(), f["text"].text())


def _group(node: _Node, group_ids: set[str], question_ids: set[str]) -> QuestionGroup:
    f = node.fields("id", "title", "questions")
    group_id = f["id"].new_id(group_ids)
    questions = tuple(
        _question(n, group_id, number, question_ids)
        for number, n in enumerate(f["questions"].items(), start=1)
    )
    return QuestionGroup(group_id, f["title"].text(), questions)


def _question(node: _Node, group_id: str, number: int, seen: set[str]) -> Question:
    f = node.fields("id", "text", optional=("followups",))
    question_id = f["id"].new_id(seen)
    if question_id not in QUESTION_IDS:
        raise f["id"].error(
            f"unknown question id {question_id!r}; saved notes use one of {', '.join(QUESTION_IDS)}"
        )
    followups = tuple(_followup(n) for n in _optional_items(f, "followups"))
    return Question(question_id, group_id, number, f["text"].text(), followups)


def _followup(node: _Node) -> FollowUp:
    f = node.fields("text", optional=("followups",))
    return FollowUp(f["text"].text(), tuple(n.text() for n in _optional_items(f, "followups")))


def _optional_items(fields: dict[str, _Node], name: str) -> list[_Node]:
    return fields[name].items(allow_empty=True) if name in fields else []


def _themes(node: _Node) -> tuple[dict[str, str], tuple[Theme, ...]]:
    f = node.fields("groups", "themes")
    groups: dict[str, str] = {}
    for group_id, group_node in f["groups"].entries().items():
        groups[_valid_id(group_node, group_id)] = group_node.text()
    if not groups:
        raise f["groups"].error("empty")
    seen: set[str] = set()
    return groups, tuple(_theme(n, groups, seen) for n in f["themes"].items())


def _theme(node: _Node, groups: Mapping[str, str], seen: set[str]) -> Theme:
    f = node.fields("id", "label", "group", "source")
    theme_id = f["id"].new_id(seen)
    group, source = f["group"].text(), f["source"].text()
    if group not in groups:
        raise f["group"].error(f"unknown group {group!r} (groups: {', '.join(groups)})")
    if source not in THEME_SOURCES:
        raise f["source"].error(f"must be one of {', '.join(THEME_SOURCES)}")
    return Theme(theme_id, f["label"].text(), group, source)


def _stress_tool(node: _Node) -> StressTool:
    f = node.fields(*_TOOL_TEXTS, "zones", "signs_of_stress")
    zone_ids: set[str] = set()
    zones = tuple(_zone(n, zone_ids) for n in f["zones"].items())
    _expect(f["zones"], tuple(z.id for z in zones), ZONE_IDS, "zone ids")
    signs = f["signs_of_stress"].fields("intro", "groups")
    sign_groups = tuple(_sign_group(n) for n in signs["groups"].items())
    texts = {name: f[name].text() for name in _TOOL_TEXTS}
    return StressTool(
        zones=zones, signs_intro=signs["intro"].text(), sign_groups=sign_groups, **texts
    )


def _zone(node: _Node, seen: set[str]) -> Zone:
    f = node.fields("id", "name", "description", "signs")
    return Zone(f["id"].new_id(seen), f["name"].text(), f["description"].text(), f["signs"].texts())


def _sign_group(node: _Node) -> SignGroup:
    f = node.fields("title", "signs")
    return SignGroup(f["title"].text(), f["signs"].texts())


def _merged_ui(files: Mapping[str, _Node]) -> dict[str, str]:
    """All UI files of one language as one mapping; a key may live in one file only."""
    strings: dict[str, str] = {}
    for name, node in files.items():
        if name != "ui.yaml" and not name.startswith("ui_"):
            continue
        found = _ui(node)
        for key in found.keys() & strings.keys():
            raise node.error(f"{key} is also defined in another ui file")
        strings.update(found)
    return strings


def _ui(node: _Node) -> dict[str, str]:
    """Sections of key: text, flattened to "section.key"."""
    entries = node.entries()
    if not entries:
        raise node.error("empty")
    strings: dict[str, str] = {}
    for child in entries.values():
        if isinstance(child.value, dict):
            strings.update(_ui(child))
        else:
            strings[child.key] = child.text(allow_empty=True)
    return strings


# --- the same in every language --------------------------------------------------------


def _same_keys(base: _Node, other: _Node) -> None:
    """`other` has the ids, keys and {placeholders} of the default language's `base`."""
    base_values, values = _flatten(base.value), _flatten(other.value)
    for key, value in values.items():  # ids first: a changed id explains any shifted keys
        if _IDENTIFIER_KEY.search(key) and key in base_values and value != base_values[key]:
            problem = f"{value!r} differs from {base_values[key]!r} in {base.file}"
            raise ContentError(other.file, key, problem)
    for key in base_values:
        if key not in values:
            raise ContentError(other.file, key, f"missing (present in {base.file})")
    for key in values:
        if key not in base_values:
            raise ContentError(other.file, key, f"not in {base.file}")
    for key, value in values.items():
        if isinstance(value, str):
            mine = _placeholders(_Node(other.file, key, value))
            theirs = _placeholders(_Node(base.file, key, base_values[key]))
            if mine != theirs:
                problem = f"placeholders {_braces(mine)} differ from {_braces(theirs)} in "
                raise ContentError(other.file, key, problem + base.file)


def _flatten(value: object, key: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        pairs = [(f"{key}.{k}" if key else str(k), v) for k, v in value.items()]
    elif isinstance(value, list):
        pairs = [(f"{key}[{i}]", v) for i, v in enumerate(value)]
    else:
        return {key: value}
    return {k: v for child_key, child in pairs for k, v in _flatten(child, child_key).items()}


def _braces(names: frozenset[str]) -> str:
    return ", ".join(f"{{{name}}}" for name in sorted(names)) or "none"
