import stat
from pathlib import Path

import pytest

from core import config
from core.errors import ConfigError


@pytest.fixture(autouse=True)
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATA_DIR", "COOKIE_KEY", "DATA_KEY", "LOGIN_SLEEP_TIME"):
        monkeypatch.delenv(f"TRIVSEL_{name}", raising=False)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_missing_keys_are_generated_private_and_kept(tmp_path: Path) -> None:
    first = config.load(tmp_path, secrets_file=tmp_path / "none.toml")
    assert len(first.cookie_key.encode()) >= config.MIN_COOKIE_KEY_BYTES
    for name in (config.COOKIE_KEY_FILE, config.DATA_KEY_FILE):
        assert mode(tmp_path / name) == 0o600
    again = config.load(tmp_path, secrets_file=tmp_path / "none.toml")
    assert (again.cookie_key, again.data_key) == (first.cookie_key, first.data_key)


def test_two_installations_never_share_a_key(tmp_path: Path) -> None:
    one = config.load(tmp_path / "one", secrets_file=tmp_path / "none.toml")
    two = config.load(tmp_path / "two", secrets_file=tmp_path / "none.toml")
    assert one.cookie_key != two.cookie_key
    assert one.data_key != two.data_key


def test_secrets_file_and_environment_override_generated_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('cookie_key = "' + "s" * 40 + '"\n')
    assert config.load(tmp_path, secrets_file=secrets).cookie_key == "s" * 40
    monkeypatch.setenv("TRIVSEL_COOKIE_KEY", "e" * 40)
    assert config.load(tmp_path, secrets_file=secrets).cookie_key == "e" * 40
    assert not (tmp_path / config.COOKIE_KEY_FILE).exists()


def test_a_short_cookie_key_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIVSEL_COOKIE_KEY", "some_key")
    with pytest.raises(ConfigError, match="at least 32 bytes"):
        config.load(tmp_path, secrets_file=tmp_path / "none.toml")


def test_a_missing_data_key_beside_a_database_is_not_replaced(tmp_path: Path) -> None:
    config.load(tmp_path, secrets_file=tmp_path / "none.toml")
    (tmp_path / config.DB_FILENAME).write_bytes(b"")  # a database exists
    (tmp_path / config.DATA_KEY_FILE).unlink()
    with pytest.raises(ConfigError, match="data.key is missing"):
        config.load(tmp_path, secrets_file=tmp_path / "none.toml")
    assert not (tmp_path / config.DATA_KEY_FILE).exists()


def test_a_broken_secrets_file_names_itself(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("cookie_key = \n")
    with pytest.raises(ConfigError, match="secrets.toml"):
        config.load(tmp_path, secrets_file=secrets)


def test_a_new_data_directory_is_private(tmp_path: Path) -> None:
    config.load(tmp_path / "fresh", secrets_file=tmp_path / "none.toml")
    assert mode(tmp_path / "fresh") == 0o700
