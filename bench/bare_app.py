"""The baseline: a bare Streamlit page with a title, one text input and one button."""

import streamlit as st

st.title("Bare page")
name = st.text_input("Text")
if st.button("Send"):
    st.write(name)
