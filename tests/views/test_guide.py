"""The in-app guide: each role reads its own part, in Danish by default and in English."""

import pytest

from core import content, people, settings
from core.db import Cursor
from tests.conftest import Org, log_in, new_app, new_user, texts

DA = content.load().get("da")


def guide_page(username: str, code: str | None = None) -> str:
    at = new_app().run()
    if code:
        at.sidebar.segmented_control[0].set_value(code).run()
    at = log_in(at, username).switch_page("views/guide.py").run()
    assert not at.exception
    return texts(at)


def test_an_employee_reads_the_employee_part_and_who_sees_what(app_org: Org) -> None:
    page = guide_page("anna")
    assert "Sådan bruger du Trivselssnak" in page
    assert "Som medarbejder" in page
    assert "Som leder" not in page and "Som administrator" not in page
    for step in DA.guide.steps:  # the guide's three steps: before, during, after
        assert step.title in page
    assert "Hvem ser hvad" in page
    assert DA.guide.confidentiality_note in page


def test_a_manager_reads_the_manager_part(app_org: Org) -> None:
    page = guide_page("mona")
    assert "Som leder" in page and "Som medarbejder" not in page
    assert "Præsentér på fællesmødet" in page  # the button's own label


def test_an_admin_reads_what_admins_cannot_see(app_org: Org) -> None:
    page = guide_page("admin")
    assert "Som administrator" in page
    assert "Du kan ikke se noter, delte noter, samtaler eller aftaler." in page
    assert "Som leder" not in page


def test_someone_with_two_roles_reads_both_parts(app_db: Cursor, app_org: Org) -> None:
    new_user(app_db, "vera", people.EMPLOYEE, people.MANAGER)
    page = guide_page("vera")
    assert page.index("Som medarbejder") < page.index("Som leder")


def test_the_organisations_k_is_in_the_text(app_db: Cursor, app_org: Org) -> None:
    settings.store(app_db, "k", "5")
    assert "kun temaer, som mindst 5 har nævnt" in guide_page("anna")


@pytest.mark.parametrize("code", content.LANGUAGES)
def test_the_guide_is_in_the_chosen_language(app_org: Org, code: str) -> None:
    language = content.load().get(code)
    page = guide_page("mona", code)
    assert language.t("guide.title") in page
    assert language.t("guide.manager_title") in page
