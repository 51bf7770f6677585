"""Settings read from the environment or .streamlit/secrets.toml, in one place.

Order: environment variable, then secrets file, then a default. Secret keys that are not
given are generated once into the data directory with 0600 permissions, so no secret is
ever in code and no two installations share one.
"""

import os
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet

from core.errors import ConfigError

PROJECT_DIR = Path(__file__).resolve().parent.parent
SECRETS_FILE = PROJECT_DIR / ".streamlit" / "secrets.toml"
DB_FILENAME = "trivselssnak.duckdb"
COOKIE_KEY_FILE = "cookie.key"
DATA_KEY_FILE = "data.key"
# Left by a key rotation: the next key (before it takes over) and the previous one.
# Both still decrypt, so a rotation interrupted at any point loses nothing.
EXTRA_DATA_KEY_FILES = ("data.key.new", "data.key.old")
MIN_COOKIE_KEY_BYTES = 32  # HS256 wants a key at least as long as its 256-bit hash


@dataclass(frozen=True)
class Config:
    data_dir: Path
    cookie_key: str
    data_key: bytes
    data_key_in_file: bool = True  # False: set in secrets or the environment
    older_data_keys: tuple[bytes, ...] = ()
    cookie_name: str = "trivselssnak_auth"
    cookie_expiry_days: float = 1.0
    login_sleep_time: float = 0.5

    @property
    def db_path(self) -> Path:
        return self.data_dir / DB_FILENAME


def _read_secrets(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}). Fix or remove the file.") from exc


def _setting(name: str, secrets_: dict, default: str | None = None) -> str | None:
    env = os.environ.get(f"TRIVSEL_{name.upper()}")
    if env not in (None, ""):
        return env
    value = secrets_.get(name)
    return str(value) if value not in (None, "") else default


def write_private_file(path: Path, content: bytes) -> None:
    """Create `path` readable by its owner only, refusing to overwrite."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


def key_from_file(path: Path, make: bytes | None) -> bytes:
    """Read a key file; create it from `make` when missing (None: it must exist)."""
    if path.exists():
        return path.read_bytes().strip()
    if make is None:
        raise ConfigError(
            f"{path} is missing. The database in this directory was encrypted with it: "
            "restore the key file from your backup (or set TRIVSEL_DATA_KEY)."
        )
    write_private_file(path, make)
    return make


def _finish_interrupted_rotation(data_dir: Path) -> None:
    """A rotation that stopped between its two renames left data.key.new alone."""
    pending = data_dir / EXTRA_DATA_KEY_FILES[0]
    if pending.exists() and not (data_dir / DATA_KEY_FILE).exists():
        os.replace(pending, data_dir / DATA_KEY_FILE)


def load(data_dir: Path | str | None = None, secrets_file: Path = SECRETS_FILE) -> Config:
    """Build the configuration; create the data directory and missing key files."""
    secrets_ = _read_secrets(secrets_file)
    data_dir = Path(data_dir or _setting("data_dir", secrets_, str(PROJECT_DIR / "data")))
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)  # names and themes live here
    cookie_key = _setting("cookie_key", secrets_)
    if cookie_key is None:
        fresh = secrets.token_urlsafe(48).encode()
        cookie_key = key_from_file(data_dir / COOKIE_KEY_FILE, fresh).decode()
    if len(cookie_key.encode()) < MIN_COOKIE_KEY_BYTES:
        raise ConfigError(f"cookie_key must be at least {MIN_COOKIE_KEY_BYTES} bytes long.")
    data_key = _setting("data_key", secrets_)
    if data_key is None:
        _finish_interrupted_rotation(data_dir)
        # A new key only for a new database: a missing key beside data must not be replaced.
        fresh = Fernet.generate_key() if not (data_dir / DB_FILENAME).exists() else None
        data_key_bytes = key_from_file(data_dir / DATA_KEY_FILE, fresh)
    else:
        data_key_bytes = data_key.encode()
    older = tuple(
        (data_dir / name).read_bytes().strip()
        for name in EXTRA_DATA_KEY_FILES
        if (data_dir / name).exists()
    )
    return Config(
        data_dir=data_dir,
        cookie_key=cookie_key,
        data_key=data_key_bytes,
        data_key_in_file=data_key is None,
        older_data_keys=older,
        cookie_expiry_days=float(_setting("cookie_expiry_days", secrets_, "1")),
        login_sleep_time=float(_setting("login_sleep_time", secrets_, "0.5")),
    )
