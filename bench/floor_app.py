"""The floor: the bare page (bare_app.py) whose click also stores the typed text in DuckDB.

The least a click that saves anything costs on this stack: one committed INSERT through a
cursor of one process-wide connection, as the app opens its database (DESIGN.md). DuckDB
lets go of the GIL while it works, so Streamlit's event loop can send the run's first
message before the script is done and then sleeps 5 ms before its next round of sending
(docs/performance.md, "A floor beside the bare page"). The bare page never lets go of the
GIL and answers in one round. Same title and labels as the bare page, so the same client
clicks both.
"""

import os
from pathlib import Path

import duckdb
import streamlit as st

DATA_ENV = "TRIVSEL_DATA_DIR"  # the server's data directory, as for the app
DB_FILE = "floor.duckdb"


@st.cache_resource
def connection() -> duckdb.DuckDBPyConnection:
    database = duckdb.connect(str(Path(os.environ[DATA_ENV]) / DB_FILE))
    database.execute("CREATE TABLE IF NOT EXISTS notes (text VARCHAR NOT NULL)")
    return database


st.title("Bare page")
name = st.text_input("Text")
if st.button("Send"):
    with connection().cursor() as cursor:
        cursor.execute("INSERT INTO notes VALUES (?)", [name])
    st.write(name)
