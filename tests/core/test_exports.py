"""Documents as Markdown and PDF, and CSV cells a spreadsheet never runs."""

import re
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import exports
from core.exports import Bullets, Document, Heading, Paragraph, Section

DANISH = "Æblegrød på én ø – Ærø, Øster Åby: hvad er særlig vigtigt for mig?"


def doc(*blocks, title: str = "Titel") -> Document:
    return Document(title, (Section("Afsnit", tuple(blocks)),))


# --- a tiny PDF text reader, enough for what to_pdf writes -------------------------------


def _object(pdf: bytes, number: int) -> bytes:
    match = re.search(rb"(?<![0-9])%d 0 obj(.*?)endobj" % number, pdf, re.S)
    assert match, f"object {number} missing"
    return match.group(1)


def _stream(obj: bytes) -> bytes:
    data = re.search(rb"stream\r?\n(.*?)\r?\nendstream", obj, re.S).group(1)
    return zlib.decompress(data) if b"/FlateDecode" in obj else data


def _to_unicode(pdf: bytes, font_obj: int) -> dict[int, str]:
    cmap_obj = int(re.search(rb"/ToUnicode (\d+) 0 R", _object(pdf, font_obj)).group(1))
    cmap = _stream(_object(pdf, cmap_obj))
    pairs = re.findall(rb"<([0-9A-F]{4})> <([0-9A-F]+)>", cmap)
    return {int(gid, 16): bytes.fromhex(uni.decode()).decode("utf-16-be") for gid, uni in pairs}


def _literal_strings(content: bytes) -> list[tuple[int, bytes]]:
    """(position, bytes) of every (...) string, with PDF backslash escapes undone."""
    found, i = [], 0
    while (start := content.find(b"(", i)) != -1:
        out, j = bytearray(), start + 1
        while content[j : j + 1] != b")":
            if content[j : j + 1] == b"\\":
                j += 1
                out += {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(
                    content[j : j + 1], content[j : j + 1]
                )
            else:
                out += content[j : j + 1]
            j += 1
        found.append((start, bytes(out)))
        i = j + 1
    return found


def pdf_text(pdf: bytes) -> str:
    """The text the PDF shows, in drawing order, one line per text operation."""
    fonts = dict(re.findall(rb"/(F\d+) (\d+) 0 R", pdf))
    maps = {name: _to_unicode(pdf, int(number)) for name, number in fonts.items()}
    lines = []
    for page in re.findall(rb"/Contents (\d+) 0 R", pdf):
        content = _stream(_object(pdf, int(page)))
        switches = [(m.start(), m.group(1)) for m in re.finditer(rb"/(F\d+) [\d.]+ Tf", content)]
        for position, raw in _literal_strings(content):
            font = [name for at, name in switches if at < position][-1]
            glyphs = [int.from_bytes(raw[k : k + 2], "big") for k in range(0, len(raw), 2)]
            lines.append("".join(maps[font].get(g, "\ufffd") for g in glyphs))
    return "\n".join(lines)


# --- PDF --------------------------------------------------------------------------------


def test_a_pdf_prints_danish_letters_with_the_bundled_font() -> None:
    pdf = exports.to_pdf(doc(Heading("Før samtalen"), Paragraph(DANISH), title="Min forberedelse"))
    assert pdf.startswith(b"%PDF-")
    assert b"/FontName /MPDFAA+DejaVuSans" in pdf  # embedded, so any viewer shows it
    text = pdf_text(pdf)
    assert "Min forberedelse" in text and "Før samtalen" in text
    assert "Æblegrød på én ø – Ærø, Øster Åby: hvad er særlig" in text.replace("\n", " ")


def test_the_bundled_fonts_and_their_licence_ship_with_the_app() -> None:
    for file_name in (*exports.FONT_FILES.values(), "LICENSE-DejaVu.txt"):
        assert (exports.FONTS_DIR / file_name).is_file()
    assert "Bitstream" in (exports.FONTS_DIR / "LICENSE-DejaVu.txt").read_text()


def test_characters_the_font_lacks_are_replaced_not_fatal() -> None:
    note = "Godt 🙂 men træt 🥱 中文 \x00\x07 slut"
    pdf = exports.to_pdf(doc(Paragraph(note), Bullets((note,)), Heading(note), title=note))
    text = pdf_text(pdf)
    assert "Godt \ufffd men træt \ufffd \ufffd\ufffd  slut" in text
    assert exports.printable("a\tb") == "a    b"


def test_a_pdf_of_long_notes_flows_onto_more_pages() -> None:
    words = " ".join(["trivsel"] * 1250)  # 10,000 characters
    one_word = "ø" * 10_000  # no place to break: broken by characters instead
    pdf = exports.to_pdf(doc(Paragraph(words), Paragraph(one_word), Bullets((words,))))
    assert len(re.findall(rb"/Type /Page\b", pdf)) >= 3
    text = pdf_text(pdf)
    assert text.count("trivsel") == 2500
    assert text.count("ø") == 10_000


def test_an_empty_document_still_builds() -> None:
    assert exports.to_pdf(Document("Tom")).startswith(b"%PDF")
    assert exports.to_markdown(Document("Tom")) == "# Tom\n"


# --- Markdown ---------------------------------------------------------------------------


def test_markdown_has_the_documents_structure() -> None:
    document = Document(
        "Min forberedelse",
        (
            Section("Spørgsmål", (Heading("1. Hvad?"), Bullets(("a", "b")), Paragraph("Note"))),
            Section("Zone", (Paragraph("Privat", muted=True),)),
        ),
        intro=(Paragraph("Kun til dig"),),
    )
    assert exports.to_markdown(document) == (
        "# Min forberedelse\n\nKun til dig\n\n## Spørgsmål\n\n### 1\\. Hvad?\n\n- a\n- b\n\n"
        "Note\n\n## Zone\n\n*Privat*\n"
    )


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("# Overskrift", r"\# Overskrift"),
        ("> citat", r"\> citat"),
        ("- punkt", r"\- punkt"),
        ("+ punkt", r"\+ punkt"),
        ("1. punkt", r"1\. punkt"),
        ("2026) år", r"2026\) år"),
        ("===", r"\==="),
        ("*fed* og _kursiv_", r"\*fed\* og \_kursiv\_"),
        ("[link](http://evil.example)", r"\[link\](http\://evil.example)"),
        ("![billede](x.png)", r"!\[billede\](x.png)"),
        ("<script>alert(1)</script>", r"\<script\>alert(1)\</script\>"),
        ("&amp; | ~~streg~~ $x$ `kode`", r"\&amp; \| \~\~streg\~\~ \$x\$ \`kode\`"),
        ("    indrykket kode", "indrykket kode"),
        ("a\\b", r"a\\b"),
        ("Æble, ø og å. Helt almindelig tekst!", "Æble, ø og å. Helt almindelig tekst!"),
    ],
)
def test_markdown_prints_user_text_literally(typed: str, written: str) -> None:
    assert exports.escape_markdown_line(typed) == written


def test_line_breaks_in_a_note_survive_as_plain_breaks() -> None:
    markdown = exports.to_markdown(doc(Paragraph("linje 1\n# linje 2\n\n\n- afsnit 2")))
    assert "linje 1\\\n\\# linje 2\n\n\\- afsnit 2" in markdown


_UNESCAPED_MARKUP = re.compile(r"[`*_\[\]<>&|~$]")
_BLOCK_START = re.compile(r"^\s*([#>+=-]|\d+[.)])")


@given(st.text(max_size=200))
def test_no_text_can_add_markup(text: str) -> None:
    for line in exports.to_markdown(doc(Paragraph(text), Bullets((text,)))).split("\n")[4:]:
        body = line[2:] if line.startswith("- ") else line
        body = body.removeprefix("  ")
        bare = re.sub(r"\\.", "", body)  # what is left once every escaped character is gone
        assert not _UNESCAPED_MARKUP.search(bare), line
        assert not _BLOCK_START.match(body), line
        assert "://" not in bare, line


# --- CSV --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+45 1234", "'+45 1234"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Anne Holm", "Anne Holm"),
        ("a=b", "a=b"),
        ("", ""),
        (-3, -3),
        (None, None),
    ],
)
def test_csv_cells_never_start_a_formula(cell: object, written: object) -> None:
    assert exports.csv_cell(cell) == written


def test_csv_rows_are_cleaned_cell_by_cell() -> None:
    assert exports.csv_row(("=1+1", 2, "ok")) == ["'=1+1", 2, "ok"]
