"""Account: change password (forced after an administrator's reset)."""

import streamlit as st

from core import auth
from core.errors import TrivselError
from ui import resources
from ui.auth import current_user, report
from ui.i18n import t

cur = resources.cursor()
user = current_user(cur)

st.title(t("account.title"))
st.text(f"{user.name} ({user.username})")

if user.must_change_password:
    if user.password_reset_at:
        st.warning(t("account.reset_by_admin", date=user.password_reset_at.strftime("%d-%m-%Y")))
    else:
        st.warning(t("account.first_password"))

st.subheader(t("account.password_title"))
st.caption(t("password.rules"))
with st.form("account_password_form", clear_on_submit=True):
    current = st.text_input(t("account.current_password"), type="password")
    new = st.text_input(t("account.new_password"), type="password")
    repeat = st.text_input(t("account.repeat_password"), type="password")
    submitted = st.form_submit_button(t("account.change_password"), type="primary")
if submitted:
    if new != repeat:
        st.error(t("errors.passwords_differ"))
    else:
        try:
            auth.change_password(cur, user.id, current, new, resources.now())
        except TrivselError as exc:
            report(exc)
        else:
            st.success(t("account.password_changed"))
            if user.must_change_password:
                st.rerun()
