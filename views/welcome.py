"""Welcome: the guide at a glance, in the chosen language."""

import streamlit as st

from ui import resources
from ui.auth import current_user
from ui.i18n import lang, t
from ui.render import fill

cur = resources.cursor()
user = current_user(cur)
guide = lang().guide
organisation = resources.org_settings(cur).organisation_name or t("welcome.your_organisation")

st.title(guide.title)
st.write(t("welcome.intro"))

for role in sorted(user.roles):
    st.info(t(f"welcome.role_{role}"), icon=":material/info:")

st.subheader(t("welcome.steps"))
for step in guide.steps:
    with st.expander(step.title, expanded=step.id == "before"):
        st.markdown(fill(step.text, organisation=organisation))

st.subheader(t("welcome.questions"))
for group in guide.question_groups:
    st.markdown(f"**{group.title}**")
    for question in group.questions:
        st.markdown(f"{question.number}. {question.text}")
        for followup in question.followups:
            st.markdown(f"    - {followup.text}")
            for sub in followup.followups:
                st.markdown(f"        - {sub}")

st.warning(guide.confidentiality_note, icon=":material/lock:")
