"""The webhook of the organisation's LINE Official Account (DESIGN.md "Channels"):
``views`` takes LINE's calls; the chat itself is ``intake.services.line_chat``."""

from flask import Flask

from intake.extensions import csrf
from intake.line.views import bp, push_after_the_answer


def init_app(app: Flask) -> None:
    # LINE signs each call with the channel secret; there is no browser session to forge.
    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.after_request(push_after_the_answer)
