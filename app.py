"""Trivselssnak: the router and frame. Page config, login gate, the role's pages."""

import streamlit as st

from core.content import ContentError
from core.errors import ConfigError
from ui import auth, presentation, resources, sockets
from ui.i18n import begin_run, language_picker, t
from ui.navigation import pages_for

resources.freeze_imported_modules()
sockets.ensure_nodelay()
st.set_page_config(page_title="Trivselssnak", page_icon="🌿", layout="centered")

try:
    resources.app_content()
    cur = resources.cursor()
except (ConfigError, ContentError) as exc:
    st.error(str(exc))  # for the operator: names the file and what to do
    st.stop()
resources.begin_run(cur)
begin_run(cur)

if not presentation.is_on():
    language_picker()
user = auth.require_login(cur)

if presentation.is_on():  # the joint meeting: the page alone on the screen
    page = st.navigation(pages_for(user), position="hidden")
else:
    page = st.navigation(pages_for(user))
    with st.sidebar:
        st.caption(t("nav.signed_in_as"))
        st.text(user.name)
        auth.logout_button()
page.run()
