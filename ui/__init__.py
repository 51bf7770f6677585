"""Streamlit glue shared by the pages: connection, login gate, language, state keys."""
