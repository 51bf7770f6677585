import pytest

from core import content, settings
from core.db import Cursor
from tests.conftest import Org, log_in, new_app, texts


@pytest.mark.parametrize("code", content.LANGUAGES)
def test_the_whole_question_list_is_shown_in_each_language(app_org: Org, code: str) -> None:
    at = new_app().run()
    at.sidebar.segmented_control[0].set_value(code).run()
    page = texts(log_in(at, "anna").switch_page("views/welcome.py").run())
    guide = content.load().get(code).guide
    for question in guide.questions():
        assert question.text in page
        for followup in question.followups:
            assert followup.text in page
            for sub in followup.followups:
                assert sub in page
    assert guide.confidentiality_note in page


def test_the_organisation_name_fills_the_guide_as_plain_text(app_db: Cursor, app_org: Org) -> None:
    settings.store(app_db, "organisation_name", "Acme *Kommune*")
    page = texts(log_in(new_app(), "anna").switch_page("views/welcome.py").run())
    assert r"Acme \*Kommune\*" in page  # escaped: shown literally, not as emphasis
    assert "{organisation}" not in page
