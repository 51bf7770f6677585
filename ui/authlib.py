"""streamlit-authenticator, loaded without its flows that call an outside server.

Its register, forgot-password and two-factor flows (`models.cloud`) and its Google and
Microsoft logins (`models.oauth2`) talk to servers on the internet; the app never uses
them (DESIGN.md) and must send nothing anywhere. The library imports them anyway, with
`requests`, and its login captcha with PIL: together about 40 ms of every cold start
(docs/performance.md). Stand-ins that refuse to be used sit where the library imports
them from, so the real modules are never loaded. Import the library from here, never
directly.
"""

import sys
import types


def _refusing(name: str) -> type:
    def refuse(self, *args, **kwargs) -> None:
        raise RuntimeError(f"{name} is not loaded: Trivselssnak does not use it")

    return type(name, (), {"__init__": refuse})


for _module, _classes in (
    ("streamlit_authenticator.models.cloud", ("CloudModel",)),
    ("streamlit_authenticator.models.oauth2", ("GoogleModel", "MicrosoftModel")),
    # The login form's optional captcha (and with it PIL): not shown, since failed
    # logins are throttled per username in core.auth.
    ("captcha.image", ("ImageCaptcha",)),
):
    _stand_in = types.ModuleType(_module, "Not loaded: the app does not use it.")
    for _class in _classes:
        setattr(_stand_in, _class, _refusing(_class))
    sys.modules.setdefault(_module, _stand_in)


import streamlit_authenticator as stauth  # noqa: E402  (after the stand-ins, on purpose)
from streamlit_authenticator.models import cookie_model  # noqa: E402
from streamlit_authenticator.utilities import LoginError  # noqa: E402

__all__ = ["LoginError", "cookie_model", "stauth"]
