"""Presentation mode for the joint meeting: the page alone, without the app around it."""

import streamlit as st

PARAM = "present"


def is_on() -> bool:
    return st.query_params.get(PARAM) == "1"


def start(round_id: int) -> None:
    st.query_params[PARAM] = "1"
    st.query_params["round"] = str(round_id)


def stop() -> None:
    st.query_params.pop(PARAM, None)
