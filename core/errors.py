"""Named errors that pages turn into a translated message.

Each error carries the key of its UI string in content/*/ui.yaml and the values to fill
into it, so core never holds user-facing text and pages never guess what went wrong.
"""


class TrivselError(Exception):
    """Base of every error a user can cause. `key` names a string in the ui content."""

    key = "errors.generic"

    def __init__(self, key: str | None = None, **params: object) -> None:
        self.key = key or self.key
        self.params = params
        super().__init__(f"{self.key} {params}" if params else self.key)


class NotAllowed(TrivselError):
    """The actor may not see or change this."""

    key = "errors.not_allowed"


class NotFound(TrivselError):
    key = "errors.not_found"


class InvalidInput(TrivselError):
    """A value a user typed is outside what the app accepts; nothing was saved."""

    key = "errors.invalid_input"


class Conflict(TrivselError):
    """The change clashes with existing data (a taken username, a closed round...)."""

    key = "errors.conflict"


class ConfigError(Exception):
    """The server cannot start: a key file, the database or a setting is unusable.

    Meant for the operator, so the message is plain English and says what to do.
    """
