"""Welcome: the guide at a glance, in the chosen language."""

import streamlit as st

from ui import resources
from ui.auth import current_user
from ui.i18n import lang, t
from ui.render import fill, followup_lines

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
    lines = [f"**{group.title}**", ""]  # one list per group, follow-ups nested
    for question in group.questions:
        lines.append(f"{question.number}. {question.text}")
        lines += followup_lines(question, indent="    ")
    st.markdown("\n".join(lines))

st.warning(guide.confidentiality_note, icon=":material/lock:")
