"""The login library is loaded without its flows that call an outside server (and
without the captcha the login form does not show)."""

import subprocess
import sys

import pytest

from tests.conftest import REPO
from ui.authlib import stauth

OUTSIDE = (
    "requests",
    "streamlit_authenticator.models.cloud.cloud_model",
    "streamlit_authenticator.models.oauth2.google_model",
    "streamlit_authenticator.models.oauth2.microsoft_model",
    "PIL",
)


def test_the_login_gate_loads_no_code_that_talks_to_outside_servers() -> None:
    probe = f"import sys, ui.auth; print([m for m in {OUTSIDE!r} if m in sys.modules])"
    found = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == "[]"


def test_asking_for_the_cloud_flows_fails_loudly() -> None:
    with pytest.raises(RuntimeError, match="CloudModel is not loaded"):
        stauth.Authenticate(
            {"usernames": {}}, "cookie", "k" * 32, 1.0, auto_hash=False, api_key="key"
        )
