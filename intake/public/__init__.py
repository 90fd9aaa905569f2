"""The public side: the two channels, receipt, tracking, guideline, health."""

from flask import Blueprint

bp = Blueprint("public", __name__)

# Routes register on import. followup: /track and the followed case (session, replies);
# feedback: survey, notices, lost-code help; guide: the guideline; privacy_notice: the
# PDPA notice; statistics: /stats; reopen: asking to reopen a closed case.
from intake.public import (  # noqa: E402,F401
    feedback,
    followup,
    guide,
    privacy_notice,
    reopen,
    statistics,
    views,
)
