"""Rendering helpers that keep user-typed text inert.

Text a user typed never goes through HTML, and never through Markdown unescaped:
otherwise a note could add links, images or restyle the page.
"""

import re

import streamlit as st

# "&" too: "&lt;" would otherwise show as "<" (an entity), not as typed.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def escape_markdown(text: str) -> str:
    """Make `text` print literally inside st.markdown / st.write strings."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def fill(template: str, **values: str) -> str:
    """Fill {placeholders} of a content string with escaped user-given values."""
    return template.format(**{key: escape_markdown(value) for key, value in values.items()})


def plain(text: str) -> None:
    """Show user-typed text exactly as typed, as plain text."""
    st.text(text)
