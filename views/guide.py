"""How to use Trivselssnak: a short guide for each of the user's roles, from content/."""

import streamlit as st

from core import people
from ui import resources
from ui.auth import current_user
from ui.i18n import lang, t

STEP_SECTIONS = {  # role -> its texts under the guide's three steps (before, during, after)
    people.EMPLOYEE: ("employee_before", "employee_during", "employee_after"),
    people.MANAGER: ("manager_before", "manager_during", "manager_after"),
}

cur = resources.cursor()
user = current_user(cur)
guide = lang().guide
k = resources.org_settings(cur).k

st.title(t("guide.title"))
st.write(t("guide.intro"))

for role in (people.EMPLOYEE, people.MANAGER):
    if user.has(role):
        st.header(t(f"guide.{role}_title"), divider="gray")
        for step, key in zip(guide.steps, STEP_SECTIONS[role], strict=True):
            st.subheader(step.title)
            st.markdown(t(f"guide.{key}", k=k))
if user.has(people.ADMIN):
    st.header(t("guide.admin_title"), divider="gray")
    st.markdown(t("guide.admin_text", k=k))

st.header(t("guide.privacy_title"), divider="gray")
st.markdown(t("guide.privacy", k=k))
st.warning(guide.confidentiality_note, icon=":material/lock:")
st.caption(t("guide.more"))
