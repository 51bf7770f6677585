"""Rendering helpers that keep user-typed text inert.

Text a user typed never goes through HTML, and never through Markdown unescaped:
otherwise a note could add links, images or restyle the page.
"""

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import pyarrow as pa
import streamlit as st

from core import content

# "&" too: "&lt;" would otherwise show as "<" (an entity), not as typed.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def escape_markdown(text: str) -> str:
    """Make `text` print literally inside st.markdown / st.write strings."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def fill(template: str, **values: str) -> str:
    """Fill {placeholders} of a content string with escaped user-given values."""
    return template.format(**{key: escape_markdown(value) for key, value in values.items()})


def followup_lines(question: content.Question, indent: str = "") -> list[str]:
    """A question's follow-ups as Markdown list lines, theirs nested under them: one
    element for the lot, not one per line (each element costs a click ~0.1 ms)."""
    lines = []
    for followup in question.followups:
        lines.append(f"{indent}- {followup.text}")
        lines += [f"{indent}    - {sub}" for sub in followup.followups]
    return lines


def plain(text: str) -> None:
    """Show user-typed text exactly as typed, as plain text."""
    st.text(text)


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], **options) -> None:
    """A read-only table: one tuple of values per row, in the order of `headers`.

    Handed to Streamlit as an Arrow table made column by column: a list of dicts goes
    through pandas first, which took 16 ms for the organisation themes' 40 rows × 400
    teams against 2.5 ms, and the headers are looked up once, not once per row
    (docs/performance.md).
    """
    columns = list(zip(*rows, strict=True)) or [()] * len(headers)
    arrays = [pa.array(column) for column in columns]
    st.dataframe(pa.Table.from_arrays(arrays, names=list(headers)), hide_index=True, **options)


def _remember_fold(widget_key: str) -> None:
    st.session_state[f"{widget_key}_open"] = st.session_state[widget_key]


@contextmanager
def fold(
    label: str, key: str, *, expanded: bool = False, icon: str | None = None
) -> Iterator[bool]:
    """An expander whose content is made only while it is open: yields whether it is.

    Streamlit otherwise builds and sends the content of every closed expander on every
    click; on the preparation page that was most of each click's work
    (docs/performance.md). Opening one reruns the page, or only the part of the page it
    sits in (ui/parts.py). Whether it is open is remembered under the session key
    f"{key}_open", so a label that changes (a mark added to it) keeps the expander as it
    was.
    """
    with st.expander(
        label,
        expanded=st.session_state.get(f"{key}_open", expanded),
        icon=icon,
        key=key,
        on_change=_remember_fold,
        args=(key,),
    ) as container:
        yield bool(container.open)


@dataclass(frozen=True)
class FileKind:
    suffix: str
    mime: str
    icon: str


PDF = FileKind("pdf", "application/pdf", ":material/picture_as_pdf:")
MARKDOWN = FileKind("md", "text/markdown", ":material/description:")


def download(
    place, label: str, kind: FileKind, data: Callable[[], bytes | str], stem: str, **options
) -> None:
    """A download button whose file is made only when it is clicked, not on every run."""
    place.download_button(
        label,
        data=data,
        file_name=f"{stem}.{kind.suffix}",
        mime=kind.mime,
        on_click="ignore",
        icon=kind.icon,
        **options,
    )
