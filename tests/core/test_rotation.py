from pathlib import Path

import pytest

from core import actions, config, db, rotation
from core.errors import ConfigError
from tests.conftest import _seed_org, open_round


@pytest.fixture
def installation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("TRIVSEL_DATA_KEY", raising=False)
    data_dir = tmp_path / "data"
    database = db.open_database(config.load(data_dir))
    cur = database.cursor()
    org = _seed_org(cur)
    round_id = open_round(cur, org.manager, org.team_id)
    actions.add(cur, org.manager, round_id, "Markør før rotation")
    database.close()
    return data_dir


def read_texts(data_dir: Path) -> list[str]:
    database = db.open_database(config.load(data_dir))
    cur = database.cursor()
    texts = [cur.cipher.decrypt(row[0]) for row in cur.all("SELECT text_enc FROM group_actions")]
    database.close()
    return texts


def test_rotation_reencrypts_everything_and_the_old_key_alone_no_longer_reads(
    installation: Path,
) -> None:
    old_key = (installation / "data.key").read_bytes()
    assert rotation.rotate_data_key(installation) == 1
    assert (installation / "data.key").read_bytes() != old_key
    assert (installation / "data.key.old").read_bytes() == old_key
    assert read_texts(installation) == ["Markør før rotation"]
    (installation / "data.key.old").unlink()  # the operator removes it after a backup
    assert read_texts(installation) == ["Markør før rotation"]


def test_a_rotation_stopped_before_the_swap_loses_nothing(
    installation: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: object) -> None:
        raise OSError("power cut")

    monkeypatch.setattr(rotation.os, "replace", crash)
    with pytest.raises(OSError):
        rotation.rotate_data_key(installation)
    monkeypatch.undo()
    assert read_texts(installation) == ["Markør før rotation"]  # data.key.new still reads
    rotation.rotate_data_key(installation)  # and a second run finishes the job
    assert read_texts(installation) == ["Markør før rotation"]
    assert not (installation / "data.key.new").exists()


def test_a_key_from_secrets_is_not_rotated_by_the_cli(
    installation: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRIVSEL_DATA_KEY", (installation / "data.key").read_text())
    with pytest.raises(ConfigError, match="TRIVSEL_DATA_KEY"):
        rotation.rotate_data_key(installation)


def test_every_encrypted_column_is_found(cur: db.Cursor) -> None:
    assert rotation.encrypted_columns(cur) == [
        ("agreements", "text_enc"),
        ("group_actions", "text_enc"),
        ("preparation_items", "note_enc"),
    ]


def test_a_rotation_stopped_between_the_renames_loses_nothing(
    installation: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace = rotation.os.replace
    calls = []

    def second_fails(src: object, dst: object) -> None:
        calls.append(src)
        if len(calls) == 2:
            raise OSError("power cut")
        real_replace(src, dst)

    monkeypatch.setattr(rotation.os, "replace", second_fails)
    with pytest.raises(OSError):
        rotation.rotate_data_key(installation)
    monkeypatch.undo()
    assert not (installation / "data.key").exists()
    assert read_texts(installation) == ["Markør før rotation"]
    assert (installation / "data.key").exists()
