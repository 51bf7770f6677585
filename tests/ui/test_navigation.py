import pytest

from core import people
from tests.conftest import REPO, MakeUser
from ui import navigation


def scripts(user: people.User) -> list[str]:
    return [spec.script for spec in navigation.page_specs(user)]


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ((people.EMPLOYEE,), ["preparation", "themes", "guide", "welcome", "account"]),
        ((people.MANAGER,), ["team", "conversation", "themes", "guide", "welcome", "account"]),
        ((people.ADMIN,), ["admin", "themes", "guide", "welcome", "account"]),
        (
            (people.MANAGER, people.EMPLOYEE),
            ["preparation", "team", "conversation", "themes", "guide", "welcome", "account"],
        ),
    ],
)
def test_each_role_gets_its_pages(make_user: MakeUser, roles: tuple, expected: list) -> None:
    assert scripts(make_user("kim", *roles)) == expected


def test_a_forced_password_change_leaves_only_the_account_page(make_user: MakeUser) -> None:
    assert scripts(make_user("kim", people.ADMIN, must_change_password=True)) == ["account"]


def test_every_page_script_exists() -> None:
    for spec in navigation.PAGES:
        assert (REPO / navigation.VIEWS_DIR / f"{spec.script}.py").is_file()


def test_no_pages_folder_exists() -> None:
    # Streamlit would serve every file of a pages/ folder by URL, bypassing the gate.
    assert not (REPO / "pages").exists()
