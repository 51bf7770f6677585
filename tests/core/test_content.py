"""The content users read: the guide word for word, both languages alike, clear errors."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from core.content import CONTENT_DIR, LANGUAGES, QUESTION_IDS, ContentError, Language, load

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "mus-trivsel-guide.da.txt"
_MARKER = re.compile(r"(?P<marker>\d+\)|[-o•])\s+(?P<text>.*)")
_FOLLOWUP_LEVEL = {"o": 1, "•": 2}  # "1)" numbers a question, "o" and "•" its follow-ups

# Sentences the guide has its own fields for, copied from the seed. Each is also checked
# against the seed below, so a slip in this list cannot hide a slip in the content.
SEED_SENTENCES = {
    "preparation_question": "Når det gælder om at fremme trivsel og forebygge stress i mit "
    "arbejdsliv, hvad er så særlig vigtigt for mig?",
    "framing_advice": "Rammesæt og tidsfastsæt punktet i samtalen. Det anbefales enten at starte "
    "eller slutte med punktet og sætte ca. 10-12 minutter af til drøftelsen.",
    "purpose_statement": "Formålet med at tage dette op i MUS, er at sikre, at alle får kendskab "
    "til det nye stressværktøj på {organisation}, og at jeg som leder bliver klogere på hvordan "
    "vi i fællesskab kan fremme trivsel og forebygge stress i vores afdeling",
    "dialogue_intro": "Spørg herefter ind til medarbejderens refleksion ift. "
    "forberedelsesspørgsmålet og tag en dialog ud fra nedenstående spørgsmål (pluk eventuelt "
    "dem ud som du finder mest relevante):",
    "followup_meeting": "Følg evt. op på et fælles møde, hvor du som leder giver en "
    "tilbagemelding og orientere om generelle temaer fra de individuelle trivsels-snakke. Dette "
    "er også en anledning til at I kan drøfte, om der på baggrund af det I har lært af "
    "samtalerne og det der fremgår i stressværktøjet, skal følges op med nogle konkrete "
    "handlinger eller aftaler for hele gruppen.",
    "confidentiality_note": "Obs: Alt hvad der bliver talt om i MUS samtalerne er fortroligt, så "
    "vær opmærksom på ikke at dele indhold fra de enkelte samtaler, men kun "
    "generelle/overordnede temaer som er berørt af flere/mange.",
}
# The work factors the guide names in its follow-ups; each must be a theme to record.
GUIDE_FACTORS = (
    "ledelse",
    "prioritering",
    "koordinering",
    "mødestrukturer",
    "fysiske rammer",
    "samarbejde",
    "relationer",
    "kommunikation",
    "vaner og rutiner",
)
# The factors named by BEK nr. 1406 af 26/09/2020 om psykisk arbejdsmiljø.
BEK_1406_FACTORS = (
    "stor arbejdsmængde og tidspres",
    "uklare eller modstridende krav",
    "høje følelsesmæssige krav",
    "krænkende handlinger",
)


@dataclass(frozen=True)
class Seed:
    text: str  # the whole guide as one line
    steps: dict[str, str]  # step title -> its paragraph
    groups: list[dict]  # the questions as a tree, see _question_tree


def _clean(text: str) -> str:
    """One line, single spaces, the organisation's name as the app's placeholder."""
    text = re.sub(r"(\d)- (\d)", r"\1-\2", " ".join(text.split()))  # "10-" + newline + "12"
    text = text.replace("på IOOS", "på {organisation}")
    return text.replace("IOOS ", "{organisation}s ")  # "IOOS stresspjece": genitive


def _unmarked(line: str) -> str:
    match = _MARKER.fullmatch(line)
    return match["text"] if match else line


def _section(lines: list[str], start: str, end: str | None) -> list[str]:
    first = lines.index(start) + 1
    return lines[first : lines.index(end) if end else len(lines)]


def _question_tree(lines: list[str]) -> list[dict]:
    """Headings, numbered questions, "o" follow-ups and "•" follow-ups to those, nested;
    a line without a marker continues a question that has not reached its "?" yet."""
    groups: list[dict] = []
    item: dict | None = None
    for line in filter(None, lines):
        match = _MARKER.fullmatch(line)
        if match:
            level = _FOLLOWUP_LEVEL.get(match["marker"], 0)
            item = {"text": match["text"], "followups": []}
            if level == 0:
                item["number"] = int(match["marker"][:-1])
            parent = groups[-1]["questions"]
            for _ in range(level):
                parent = parent[-1]["followups"]
            parent.append(item)
        elif item and not item["text"].endswith("?"):
            item["text"] += " " + line
        else:
            groups.append({"title": line, "questions": []})
            item = None
    return groups


def _cleaned_tree(items: list[dict]) -> list[dict]:
    return [
        {**item, "text": _clean(item["text"]), "followups": _cleaned_tree(item["followups"])}
        for item in items
    ]


@pytest.fixture(scope="module")
def seed() -> Seed:
    if not SEED.is_file():
        pytest.fail(
            f"The seed guide is missing at {SEED}. The Danish content is checked word for word "
            "against it: put shared/ beside the repository.",
            pytrace=False,
        )
    raw = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()]
    lines = [_unmarked(line) for line in raw]
    during = _section(raw, "Under samtalen:", "Efter samtalen:")
    paragraph_end = during.index("")  # the questions follow the first blank line
    return Seed(
        text=_clean(" ".join(lines)),
        steps={
            "Før samtalen": _clean(" ".join(_section(lines, "Før samtalen:", "Under samtalen:"))),
            "Under samtalen": _clean(" ".join(during[:paragraph_end])),
            "Efter samtalen": _clean(" ".join(_section(lines, "Efter samtalen:", None))),
        },
        groups=[
            {**group, "questions": _cleaned_tree(group["questions"])}
            for group in _question_tree(during[paragraph_end:])
        ],
    )


@pytest.fixture(scope="module")
def content():
    return load()


@pytest.fixture(scope="module")
def danish(content) -> Language:
    return content.get("da")


def _guide_tree(language: Language) -> list[dict]:
    def followup(text: str, deeper: tuple) -> dict:
        return {"text": text, "followups": [followup(t, ()) for t in deeper]}

    return [
        {
            "title": group.title,
            "questions": [
                {
                    "text": q.text,
                    "number": q.number,
                    "followups": [followup(f.text, f.followups) for f in q.followups],
                }
                for q in group.questions
            ],
        }
        for group in language.guide.question_groups
    ]


# --- the guide, word for word -------------------------------------------------------------


def test_every_question_and_followup_is_the_seed_word_for_word(danish, seed):
    assert len(seed.groups) == 2, "the seed's two question groups were not found"
    assert _guide_tree(danish) == seed.groups


def test_the_three_steps_are_the_seed_paragraphs(danish, seed):
    steps = {step.title: step.text for step in danish.guide.steps}
    assert steps == seed.steps
    assert [step.id for step in danish.guide.steps] == ["before", "during", "after"]


@pytest.mark.parametrize("field", SEED_SENTENCES)
def test_guide_sentence_is_the_seed_word_for_word(danish, seed, field):
    expected = SEED_SENTENCES[field]
    assert expected in seed.text, f"this test's text for {field} is not in the seed"
    assert getattr(danish.guide, field) == expected


def test_question_ids_are_the_ones_saved_notes_use(content):
    for code in LANGUAGES:
        assert tuple(q.id for q in content.get(code).guide.questions()) == QUESTION_IDS


def test_the_organisation_name_is_never_written_into_the_content():
    files = sorted(CONTENT_DIR.rglob("*.yaml"))
    assert files
    assert [f.name for f in files if "IOOS" in f.read_text(encoding="utf-8")] == []


@pytest.mark.parametrize("code", LANGUAGES)
def test_organisation_and_pamphlet_link_fill_in(content, code):
    tool = content.get(code).stress_tool
    text = tool.pamphlet.format(organisation="Kommunen", pamphlet_url="https://intra/stress")
    assert "Kommunen" in text and "https://intra/stress" in text
    assert "Kommunen" in tool.no_pamphlet.format(organisation="Kommunen")
    purpose = content.get(code).guide.purpose_statement.format(organisation="Kommunen")
    assert "{" not in purpose and "Kommunen" in purpose


# --- themes and stress tool ---------------------------------------------------------------


def test_every_factor_the_guide_names_can_be_recorded_as_a_theme(danish, seed):
    labels = {theme.label.lower() for theme in danish.themes if theme.source == "guide"}
    for factor in GUIDE_FACTORS:
        assert factor in seed.text
        assert factor in labels


def test_the_executive_orders_factors_can_be_recorded_as_themes(danish):
    labels = [theme.label.lower() for theme in danish.themes if theme.source == "bek1406"]
    for factor in BEK_1406_FACTORS:
        assert any(label.startswith(factor) for label in labels), factor


def test_vocabulary_stays_short_enough_to_pick_from(danish):
    assert 13 <= len(danish.themes) <= 20
    assert danish.theme("leadership").label == "Ledelse"
    assert danish.theme_groups[danish.theme("leadership").group] == "Organisering af arbejdet"
    with pytest.raises(KeyError, match="no_such_theme"):
        danish.theme("no_such_theme")


@pytest.mark.parametrize("code", LANGUAGES)
def test_stress_tool_has_three_zones_and_signs(content, code):
    tool = content.get(code).stress_tool
    assert [zone.id for zone in tool.zones] == ["thriving", "risk", "danger"]
    assert all(3 <= len(zone.signs) <= 6 for zone in tool.zones)
    assert len(tool.sign_groups) == 4


# --- both languages alike -----------------------------------------------------------------


def _shape(language: Language) -> dict:
    guide, tool = language.guide, language.stress_tool
    return {
        "steps": [step.id for step in guide.steps],
        "questions": [
            (q.group_id, q.id, q.number, [len(f.followups) for f in q.followups])
            for q in guide.questions()
        ],
        "themes": [(t.id, t.group, t.source) for t in language.themes],
        "theme_groups": list(language.theme_groups),
        "zones": [(zone.id, len(zone.signs)) for zone in tool.zones],
        "sign_groups": [len(group.signs) for group in tool.sign_groups],
        "ui": sorted(language.ui),
    }


def test_both_languages_have_the_same_ids_and_keys(content):
    danish, english = content.get("da"), content.get("en")
    assert _shape(english) == _shape(danish)
    assert english.guide.question("zone_1").text != danish.guide.question("zone_1").text


def test_an_unknown_language_falls_back_to_danish(content):
    assert content.get("fr").code == "da"
    assert content.get("en").code == "en"


# --- broken content gives a clear error ---------------------------------------------------

UI = {
    "da": {"test": {"greeting": "Hej {name}", "save": "Gem"}},
    "en": {"test": {"greeting": "Hi {name}", "save": "Save"}},
}


@pytest.fixture
def copy(tmp_path) -> Path:
    """A copy of content/ with a small ui.yaml of our own, to break on purpose."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    for code, strings in UI.items():
        _dump(target / code / "ui.yaml", strings)
    return target


def _dump(path: Path, data: object) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _edit(code: str, name: str, change):
    def apply(root: Path) -> None:
        path = root / code / name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        _dump(path, data)

    return apply


def _write(code: str, name: str, text: str):
    return lambda root: (root / code / name).write_text(text, encoding="utf-8")


def _set(path: list, value):
    def change(data):
        for step in path[:-1]:
            data = data[step]
        data[path[-1]] = value

    return change


BROKEN = {
    "missing key": (
        _edit("en", "guide.yaml", lambda d: d.pop("purpose_statement")),
        "content/en/guide.yaml",
        "purpose_statement",
        "missing",
    ),
    "missing nested key": (
        _edit("en", "guide.yaml", lambda d: d["question_groups"][1]["questions"][0].pop("text")),
        "content/en/guide.yaml",
        "question_groups[1].questions[0].text",
        "missing",
    ),
    "YAML syntax error": (
        _write("da", "themes.yaml", "groups:\n  a: b\n themes: [\n"),
        "content/da/themes.yaml",
        "line 3",
        "not valid YAML",
    ),
    "repeated key": (
        _write("da", "ui.yaml", "test:\n  greeting: Hej {name}\n  greeting: Hej\n  save: x\n"),
        "content/da/ui.yaml",
        "line 3",
        "duplicate key 'greeting'",
    ),
    "question id only in one language": (
        _edit("en", "guide.yaml", _set(["question_groups", 0, "questions", 1, "id"], "zone_9")),
        "content/en/guide.yaml",
        "question_groups[0].questions[1].id",
        "unknown question id",
    ),
    "questions in another order": (
        _edit("en", "guide.yaml", lambda d: d["question_groups"][1]["questions"].reverse()),
        "content/en/guide.yaml",
        "question_groups[1].questions[0].id",
        "differs",
    ),
    "theme id only in one language": (
        _edit("en", "themes.yaml", _set(["themes", 0, "id"], "leading")),
        "content/en/themes.yaml",
        "themes[0].id",
        "differs from 'leadership'",
    ),
    "theme in a group that does not exist": (
        _edit("da", "themes.yaml", _set(["themes", 2, "group"], "nowhere")),
        "content/da/themes.yaml",
        "themes[2].group",
        "unknown group 'nowhere'",
    ),
    "UI string only in one language": (
        _edit("en", "ui.yaml", _set(["test", "extra"], "Extra")),
        "content/en/ui.yaml",
        "test.extra",
        "not in content/da/ui.yaml",
    ),
    "placeholder mismatch": (
        _edit("en", "guide.yaml", lambda d: d.update(purpose_statement="at {org}")),
        "content/en/guide.yaml",
        "purpose_statement",
        "placeholders {org} differ",
    ),
    "broken placeholder": (
        _edit("da", "stress_tool.yaml", _set(["pamphlet"], "Læs {organisation")),
        "content/da/stress_tool.yaml",
        "pamphlet",
        "broken placeholder",
    ),
    "key YAML does not read as text": (
        _write("en", "ui.yaml", "test:\n  greeting: Hi {name}\n  save: Save\n  no: No\n"),
        "content/en/ui.yaml",
        "test",
        "key False is not text; put it in quotes",
    ),
    "non-string value": (
        _edit("da", "themes.yaml", _set(["themes", 0, "label"], 42)),
        "content/da/themes.yaml",
        "themes[0].label",
        "must be text, not a number",
    ),
    "non-string UI value": (
        _edit("en", "ui.yaml", _set(["test", "save"], ["Save"])),
        "content/en/ui.yaml",
        "test.save",
        "must be text, not a list",
    ),
    "empty text": (
        _edit("da", "guide.yaml", _set(["steps", 1, "title"], "  ")),
        "content/da/guide.yaml",
        "steps[1].title",
        "empty",
    ),
    "misspelt key": (
        _edit(
            "da",
            "guide.yaml",
            lambda d: d["question_groups"][0]["questions"][0].update(followup=[]),
        ),
        "content/da/guide.yaml",
        "question_groups[0].questions[0].followup",
        "unknown key",
    ),
    "duplicate id": (
        _edit("da", "themes.yaml", _set(["themes", 1, "id"], "leadership")),
        "content/da/themes.yaml",
        "themes[1].id",
        "duplicate id 'leadership'",
    ),
    "a zone missing": (
        _edit("da", "stress_tool.yaml", lambda d: d["zones"].pop()),
        "content/da/stress_tool.yaml",
        "zones",
        "zone ids must be thriving, risk, danger",
    ),
    "sign missing in a translation": (
        _edit("en", "stress_tool.yaml", lambda d: d["zones"][1]["signs"].pop()),
        "content/en/stress_tool.yaml",
        "zones[1].signs[5]",
        "missing (present in content/da",
    ),
    "missing file": (
        lambda root: (root / "en" / "ui.yaml").unlink(),
        "content/en/ui.yaml",
        "",
        "file not found",
    ),
    "a page's ui file only in Danish": (
        _write("da", "ui_zz.yaml", "zz:\n  title: Side\n"),
        "content/en/ui_zz.yaml",
        "",
        "file not found",
    ),
    "a ui key in two files": (
        lambda root: [
            _write(code, "ui_zz.yaml", "test:\n  greeting: Hej {name}\n")(root)
            for code in ("da", "en")
        ],
        "content/da/ui_zz.yaml",
        "",
        "test.greeting is also defined in another ui file",
    ),
}


def test_a_pages_ui_file_joins_the_strings(copy):
    for code, text in (("da", "Side"), ("en", "Page")):
        _write(code, "ui_zz.yaml", f"zz:\n  title: {text}\n")(copy)
    assert load(copy).get("en").t("zz.title") == "Page"


def test_the_copy_loads_before_it_is_broken(copy):
    english = load(copy).get("en")
    assert english.t("test.greeting", name="Ann") == "Hi Ann"
    assert english.t("test.greeting") == "Hi {name}"
    with pytest.raises(KeyError, match="test.nothing"):
        english.t("test.nothing")


@pytest.mark.parametrize(("breaks", "file", "key", "problem"), BROKEN.values(), ids=BROKEN)
def test_broken_content_names_the_file_and_the_key(copy, breaks, file, key, problem):
    breaks(copy)
    with pytest.raises(ContentError) as caught:
        load(copy)
    error = caught.value
    assert (error.file, error.key) == (file, key)
    assert problem in error.problem
    assert str(error).startswith(f"{file}: {key}: " if key else f"{file}: ")
