"""Min konto: password (forced after an administrator's reset), language and "My data".

The "My data" files are built only when a download button is clicked (deferred
download), so a visit to the page neither decrypts every note nor logs an export.
"""

from collections.abc import Callable

import streamlit as st

from core import auth, content, exports, mydata, people
from core.db import Cursor, Database
from core.errors import TrivselError
from ui import resources, state
from ui.auth import current_user, report
from ui.i18n import lang, language_picker, t
from ui.render import plain

DOWNLOADS = (  # format, label, MIME type, file suffix
    (mydata.JSON, "mydata.download_json", "application/json", "json"),
    (mydata.PDF, "mydata.download_pdf", "application/pdf", "pdf"),
    (mydata.MARKDOWN, "mydata.download_markdown", "text/markdown", "md"),
)


def _password(cur: Cursor, user: people.User) -> None:
    st.subheader(t("account.password_title"))
    st.caption(t("password.rules"))
    with st.form("account_password_form", clear_on_submit=True):
        current = st.text_input(t("account.current_password"), type="password")
        new = st.text_input(t("account.new_password"), type="password")
        repeat = st.text_input(t("account.repeat_password"), type="password")
        submitted = st.form_submit_button(t("account.change_password"), type="primary")
    if not submitted:
        return
    if new != repeat:
        st.error(t("errors.passwords_differ"))
        return
    try:
        auth.change_password(cur, user.id, current, new, resources.now())
    except TrivselError as exc:
        report(exc)
        return
    st.success(t("account.password_changed"))
    if user.must_change_password:
        st.rerun()


def _export_file(
    database: Database, user: people.User, language: content.Language, file_format: str
) -> Callable[[], str | bytes]:
    """What a download button runs when clicked (in a server thread: no st.* in here)."""

    def build() -> str | bytes:
        data = mydata.export(database.cursor(), user, file_format=file_format)
        if file_format == mydata.JSON:
            return mydata.to_json(data)
        document = mydata.document(data, language)
        return (
            exports.to_pdf(document) if file_format == mydata.PDF else exports.to_markdown(document)
        )

    return build


def _downloads(user: people.User) -> None:
    st.write(t("mydata.intro"))
    database, language = resources.database(), lang()
    for column, (file_format, label, mime, suffix) in zip(
        st.columns(len(DOWNLOADS)), DOWNLOADS, strict=True
    ):
        column.download_button(
            t(label),
            data=_export_file(database, user, language, file_format),
            file_name=f"{t('mydata.file_stem')}.{suffix}",
            mime=mime,
            key=f"{state.ACCOUNT_DOWNLOAD}_{file_format}",
            help=t("mydata.download_help"),
            on_click="ignore",
            width="stretch",
        )


def _reads(cur: Cursor, user: people.User) -> None:
    st.markdown(f"**{t('mydata.reads_title')}**")
    st.caption(t("mydata.reads_intro"))
    entries = mydata.reads(cur, user)
    if not entries:
        st.caption(t("mydata.reads_none"))
        return
    language = lang()
    with st.container(border=True):
        plain("\n".join(mydata.describe(entry, language) for entry in entries))


def _open_dialog() -> None:
    st.session_state[state.ACCOUNT_DELETE_OPEN] = True


def _close_dialog() -> None:
    st.session_state[state.ACCOUNT_DELETE_OPEN] = False


@st.dialog(t("mydata.dialog_title"), on_dismiss=_close_dialog)
def _confirm_delete(user: people.User) -> None:
    preview = mydata.delete_private(resources.cursor(), user, resources.now(), dry_run=True)
    nothing = not (preview.notes or preview.zones)
    if nothing:
        st.write(t("mydata.dialog_nothing"))
    else:
        st.write(t("mydata.dialog_what", notes=preview.notes, zones=preview.zones))
    if preview.kept:
        st.info(t("mydata.dialog_kept", kept=preview.kept), icon=":material/lock:")
    st.caption(t("mydata.record_stays"))
    confirm, cancel = st.columns(2)
    if confirm.button(
        t("mydata.confirm"), type="primary", disabled=nothing, key=state.ACCOUNT_DELETE_CONFIRM
    ):
        done = mydata.delete_private(resources.cursor(), user, resources.now())
        st.session_state[state.ACCOUNT_FLASH] = t(
            "mydata.deleted", notes=done.notes, zones=done.zones
        )
        _close_dialog()
        st.rerun()
    if cancel.button(t("mydata.cancel"), key=state.ACCOUNT_DELETE_CANCEL):
        _close_dialog()
        st.rerun()


def _delete(user: people.User) -> None:
    st.subheader(t("mydata.delete_title"))
    st.write(t("mydata.delete_intro"))
    st.info(t("mydata.delete_stays"), icon=":material/info:")
    flash = st.session_state.pop(state.ACCOUNT_FLASH, None)
    if flash:
        st.success(flash, icon=":material/done:")
    st.button(t("mydata.delete_button"), key=state.ACCOUNT_DELETE_BUTTON, on_click=_open_dialog)
    if st.session_state.get(state.ACCOUNT_DELETE_OPEN):
        _confirm_delete(user)


# --- the page ---------------------------------------------------------------------------

cur = resources.cursor()
user = current_user(cur)

st.title(t("account.title"))
st.text(f"{user.name} ({user.username})")

if user.must_change_password:
    if user.password_reset_at:
        st.warning(t("account.reset_by_admin", date=user.password_reset_at.strftime("%d-%m-%Y")))
    else:
        st.warning(t("account.first_password"))
    _password(cur, user)
    st.stop()  # nothing else until the temporary password is replaced

language_picker(sidebar=False, key=state.ACCOUNT_LANGUAGE, help=t("profile.language_help"))

_password(cur, user)

st.subheader(t("mydata.title"))
try:
    _downloads(user)
    _reads(cur, user)
    _delete(user)
except TrivselError as exc:
    report(exc)
