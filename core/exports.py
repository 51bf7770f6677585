"""Documents people take along: built from plain data, written as Markdown or PDF.

A page (the preparation, the themes handout, "my data") builds a Document of headings,
paragraphs and bullet lists holding plain text. Every text is treated as plain text,
whoever wrote it: the Markdown writer escapes it so a note cannot add links, images, HTML
or headings, and the PDF writer prints it with a bundled Unicode font (DejaVu Sans) so
Danish letters come out right on any server. Characters the font lacks are replaced,
never allowed to break the export.

Also here: csv_cell, which keeps a spreadsheet from running a cell as a formula.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONTS_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"
FONT_FAMILY = "DejaVuSans"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
REPLACEMENT = "\ufffd"  # printed instead of a character the font has no glyph for
TAB_AS_SPACES = "    "
# Spreadsheets run a cell starting with one of these as a formula (CSV injection).
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Paragraph:
    text: str  # plain text; blank lines separate paragraphs, single newlines break lines
    muted: bool = False  # a side remark: smaller and grey in the PDF, italic in Markdown


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Heading:
    """A sub-heading inside a section."""

    text: str


Block = Paragraph | Bullets | Heading


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...] = ()


@dataclass(frozen=True)
class Document:
    title: str
    sections: tuple[Section, ...] = ()
    intro: tuple[Block, ...] = ()  # blocks between the title and the first section


def csv_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text, never runs: '=SUM(...)' becomes "'=SUM(...)".

    Only text can start a formula; numbers, dates and None pass unchanged.
    """
    if isinstance(value, str) and value.startswith(CSV_FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(values: tuple | list) -> list:
    return [csv_cell(value) for value in values]


# --- Markdown ---------------------------------------------------------------------------

# Characters that start markup anywhere in a line (emphasis, code, links, HTML, entities,
# tables, strikethrough, maths in some viewers). A backslash before ASCII punctuation
# always prints it literally in CommonMark.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~$])")
# Markup that only counts at the start of a line: headings, quotes, list items, setext
# underlines, numbered lists ("1." / "1)").
_LINE_START = re.compile(r"^([#>+=-])")
_NUMBERED = re.compile(r"^(\d+)([.)])")
_URL_SCHEME = re.compile(r"(?<=[A-Za-z]):(?=//)")  # "https://" would become a link


def escape_markdown_line(line: str) -> str:
    """One line of plain text that prints literally in Markdown, whatever it holds."""
    line = _INLINE_SPECIAL.sub(r"\\\1", _clean(line).strip())
    line = _URL_SCHEME.sub(r"\\:", line)
    line = _LINE_START.sub(r"\\\1", line)
    return _NUMBERED.sub(r"\1\\\2", line)


def _markdown_text(text: str, indent: str = "") -> str:
    """Plain text as Markdown paragraphs; single newlines stay line breaks."""
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", _clean(text).strip()):
        lines = [escape_markdown_line(line) for line in paragraph.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            paragraphs.append(f"\\\n{indent}".join(lines))
    return f"\n\n{indent}".join(paragraphs)


def _markdown_block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"### {_markdown_text(block.text).replace(chr(10), ' ')}"
    if isinstance(block, Bullets):
        return "\n".join(f"- {_markdown_text(item, '  ') or ' '}" for item in block.items)
    text = _markdown_text(block.text)
    if block.muted and text:
        return "\n\n".join(f"*{part}*" for part in text.split("\n\n"))
    return text


def to_markdown(document: Document) -> str:
    parts = [f"# {_markdown_text(document.title).replace(chr(10), ' ')}"]
    parts += [_markdown_block(block) for block in document.intro]
    for section in document.sections:
        parts.append(f"## {_markdown_text(section.heading).replace(chr(10), ' ')}")
        parts += [_markdown_block(block) for block in section.blocks]
    return "\n\n".join(part for part in parts if part) + "\n"


# --- PDF --------------------------------------------------------------------------------

TITLE_PT, SECTION_PT, HEADING_PT, BODY_PT, MUTED_PT = 18, 14, 12, 11, 9
LINE_MM = {TITLE_PT: 9, SECTION_PT: 7, HEADING_PT: 6, BODY_PT: 5.5, MUTED_PT: 4.5}
BULLET_INDENT_MM = 6
MUTED_GREY = 100


def _clean(text: str) -> str:
    """Text without control characters (they have no glyph); newlines stay."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", TAB_AS_SPACES)
    return "".join(c for c in text if c == "\n" or unicodedata.category(c) != "Cc")


@cache
def _glyphs() -> frozenset[int]:
    """Code points every bundled font style can print."""
    pdf = _new_pdf()
    maps = [set(pdf.fonts[f"{FONT_FAMILY.lower()}{style}"].cmap) for style in FONT_FILES]
    return frozenset(set.intersection(*maps))


def printable(text: str) -> str:
    """`text` with every character the font cannot print replaced by REPLACEMENT."""
    glyphs = _glyphs()
    return "".join(c if c == "\n" or ord(c) in glyphs else REPLACEMENT for c in _clean(text))


def _new_pdf() -> FPDF:
    pdf = FPDF(format="A4")
    for style, file_name in FONT_FILES.items():
        pdf.add_font(FONT_FAMILY, style, str(FONTS_DIR / file_name))
    return pdf


def _write(pdf: FPDF, text: str, size: int, bold: bool = False, indent: float = 0) -> None:
    pdf.set_font(FONT_FAMILY, "B" if bold else "", size)
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(
        w=pdf.epw - indent,
        h=LINE_MM[size],
        text=printable(text),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )


def _pdf_block(pdf: FPDF, block: Block) -> None:
    if isinstance(block, Heading):
        pdf.ln(2)
        _write(pdf, block.text, HEADING_PT, bold=True)
    elif isinstance(block, Bullets):
        for item in block.items:
            pdf.set_font(FONT_FAMILY, "", BODY_PT)
            y = pdf.get_y()
            pdf.set_xy(pdf.l_margin + 1, y)
            pdf.cell(w=BULLET_INDENT_MM - 1, h=LINE_MM[BODY_PT], text="\u2022")
            pdf.set_y(y)
            _write(pdf, item, BODY_PT, indent=BULLET_INDENT_MM)
    elif block.muted:
        pdf.set_text_color(MUTED_GREY)
        _write(pdf, block.text, MUTED_PT)
        pdf.set_text_color(0)
    else:
        _write(pdf, block.text, BODY_PT)
    pdf.ln(1.5)


def to_pdf(document: Document) -> bytes:
    pdf = _new_pdf()
    pdf.set_title(printable(document.title))
    pdf.set_creator("Trivselssnak")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    _write(pdf, document.title, TITLE_PT, bold=True)
    pdf.ln(3)
    for block in document.intro:
        _pdf_block(pdf, block)
    for section in document.sections:
        pdf.ln(3)
        _write(pdf, section.heading, SECTION_PT, bold=True)
        pdf.ln(1)
        for block in section.blocks:
            _pdf_block(pdf, block)
    return bytes(pdf.output())
