"""Every session-state key the app uses, in one place.

streamlit-authenticator owns `name`, `username`, `email`, `roles`,
`authentication_status` and `logout`: never use those as widget keys.
Page-specific keys carry the page's name as prefix.
"""

LANGUAGE = "ui_language"  # the language chosen in this session
LOGIN_OUTCOME = "auth_login_outcome"  # last failed login's outcome, for its message
LOGIN_AT = "auth_login_at"  # epoch second this session's login started (for revocation)
LOGOUT_REQUESTED = "auth_logout_requested"
LIBRARY_KEYS = ("name", "username", "email", "roles", "authentication_status", "logout")
