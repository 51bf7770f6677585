"""Organisation-wide settings, each with its allowed range, stored in the database."""

from dataclasses import dataclass

from core.db import Cursor
from core.errors import InvalidInput


@dataclass(frozen=True)
class Setting:
    key: str
    default: str
    kind: type  # int or str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    max_chars: int = 200


SETTINGS = {
    s.key: s
    for s in (
        Setting("organisation_name", "", str, max_chars=80),
        Setting("default_language", "da", str, choices=("da", "en")),
        # Themes show only when at least k people raised them; below 3 a person stands out.
        Setting("k", "3", int, minimum=3, maximum=10),
        Setting("timer_target_minutes", "10", int, minimum=5, maximum=30),
        Setting("timer_limit_minutes", "12", int, minimum=6, maximum=40),
        Setting("pamphlet_url", "", str, max_chars=500),
        Setting("retention_days", "730", int, minimum=30, maximum=3650),
    )
}


@dataclass(frozen=True)
class Settings:
    organisation_name: str
    default_language: str
    k: int
    timer_target_minutes: int
    timer_limit_minutes: int
    pamphlet_url: str
    retention_days: int


def parse(key: str, raw: str) -> int | str:
    """Check one value against its setting's rules; raise InvalidInput naming them."""
    setting = SETTINGS[key]
    raw = raw.strip()
    if setting.kind is int:
        try:
            value = int(raw)
        except ValueError:
            raise InvalidInput(
                "errors.setting_range", minimum=setting.minimum, maximum=setting.maximum
            ) from None
        if not setting.minimum <= value <= setting.maximum:
            raise InvalidInput(
                "errors.setting_range", minimum=setting.minimum, maximum=setting.maximum
            )
        return value
    if setting.choices and raw not in setting.choices:
        raise InvalidInput("errors.setting_choice", choices=", ".join(setting.choices))
    if len(raw) > setting.max_chars or any(ord(c) < 32 for c in raw):
        raise InvalidInput("errors.setting_text", limit=setting.max_chars)
    if key == "pamphlet_url" and raw and not raw.startswith(("https://", "http://")):
        raise InvalidInput("errors.setting_url")
    return raw


def load(cur: Cursor) -> Settings:
    stored = dict(cur.all("SELECT key, value FROM settings"))
    values = {key: parse(key, stored.get(key, s.default)) for key, s in SETTINGS.items()}
    return Settings(**values)


def store(cur: Cursor, key: str, raw: str) -> None:
    """Validate and save one setting (admin rights are checked by the caller's module)."""
    value = parse(key, raw)
    cur.run(
        "INSERT INTO settings (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, str(value)],
    )
