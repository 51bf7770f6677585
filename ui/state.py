"""Every session-state key the app uses, in one place.

streamlit-authenticator owns `name`, `username`, `email`, `roles`,
`authentication_status` and `logout`: never use those as widget keys.
Page-specific keys carry the page's name as prefix.
"""

LANGUAGE = "ui_language"  # the language chosen in this session
I18N_RUN = "ui_i18n_run"  # the content.Language shown in this script run (ui.i18n)
RUN_SETTINGS = "ui_run_settings"  # the organisation's settings as read at the start of this run
LOGIN_OUTCOME = "auth_login_outcome"  # last failed login's outcome, for its message
LOGIN_AT = "auth_login_at"  # epoch second this session's login started (for revocation)
LOGOUT_REQUESTED = "auth_logout_requested"
RUN_USER = "auth_run_user"  # the user the login gate checked in this script run
THEMES_ACTION_SAVED = "themes_action_saved"  # one-shot confirmation after a rerun
# Preparation page: a widget key is the prefix + f"_{round_id}_{item_id}".
PREPARATION_NOTE = "preparation_note"  # one note's text area
PREPARATION_STORED = "preparation_stored"  # the note text this session last saw stored
PREPARATION_FLAG = "preparation_flag"  # "I would like to talk about this"
PREPARATION_SHARE = "preparation_share"  # shared with the manager
PREPARATION_ZONE = "preparation_zone"  # prefix + f"_{round_id}": private zone placement
PREPARATION_READY = "preparation_ready"  # prefix + f"_{round_id}": the ready mark
PREPARATION_FOLD = "preparation_fold"  # a question's expander (ui.render.fold)
PREPARATION_STRESS_TOOL = "preparation_stress_tool"  # the stress tool's expander
PREPARATION_PROBLEMS = "preparation_problems"  # item id -> (error key, params) to show
PREPARATION_JUST_SAVED = "preparation_just_saved"  # (round id, Item) a save just stored
ADMIN_SECTION = "admin_section"  # which part of the admin page is open
ADMIN_SEARCH = "admin_search"  # the people search text
ADMIN_PERSON = "admin_person"  # id of the person being edited
ADMIN_FLASH = "admin_flash"  # one-shot result of the last admin action, shown after a rerun
ADMIN_FORM_ROUND = "admin_form_round"  # bumped to empty the new-person form and the upload
ADMIN_IMPORT_PREVIEW = "admin_import_preview"  # (file id, preview) of the uploaded CSV
ADMIN_IMPORT_LOGINS = "admin_import_logins"  # first passwords of an import, shown once
ADMIN_PURGE_PREVIEW = "admin_purge_preview"  # the dry-run summary awaiting confirmation
# Conversation page. Keys ending in a prefix get f"_{conversation_id}..." appended.
CONVERSATION_EMPLOYEE = "conversation_employee"  # username of the chosen employee
CONVERSATION_ROUND = "conversation_round"  # id of the chosen round
CONVERSATION_COMPACT = "conversation_compact"  # the compact "conversation view" toggle
CONVERSATION_FLASH = "conversation_flash"  # one-shot result of the last action
CONVERSATION_QUESTION = "conversation_question"  # prefix: + f"_{id}_{question_id}"
CONVERSATION_DATE = "conversation_date"  # prefix: the date of the talk
CONVERSATION_THEME = "conversation_theme"  # prefix: the theme to add
CONVERSATION_POLARITY = "conversation_polarity"  # prefix: its polarity
# (conversation id, its themes) as the last theme change returned them, for the themes part
CONVERSATION_THEMES_SAVED = "conversation_themes_saved"
CONVERSATION_AGREEMENT = "conversation_agreement"  # prefix: the agreement text
CONVERSATION_OWNER = "conversation_owner"  # prefix: who carries the agreement out
CONVERSATION_DUE = "conversation_due"  # prefix: its optional date
# Team page.
TEAM_SELECTED = "team_selected"  # id of the chosen team
TEAM_ROUND = "team_round"  # id of the chosen round
TEAM_FLASH = "team_flash"  # one-shot result of the last round action
TEAM_CLOSE_CONFIRM = "team_close_confirm"  # prefix: + f"_{round_id}"
# Account page.
ACCOUNT_LANGUAGE = "account_language"  # the page's language choice (same as the sidebar's)
ACCOUNT_DOWNLOAD = "account_download"  # prefix: + f"_{format}", one "My data" download
ACCOUNT_DELETE_OPEN = "account_delete_open"  # the delete confirmation dialog is open
ACCOUNT_DELETE_BUTTON = "account_delete_button"  # opens the dialog
ACCOUNT_DELETE_CONFIRM = "account_delete_confirm"  # the dialog's "yes, delete"
ACCOUNT_DELETE_CANCEL = "account_delete_cancel"  # the dialog's "cancel"
ACCOUNT_FLASH = "account_flash"  # one-shot result, shown after the dialog closed
LIBRARY_KEYS = ("name", "username", "email", "roles", "authentication_status", "logout")
