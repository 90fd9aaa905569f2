"""The public side: the two channels, receipt, tracking, guideline, health."""

from flask import Blueprint

bp = Blueprint("public", __name__)

# Routes register on import. followup: /track and the followed case (session, replies);
# feedback: survey, notices, lost-code help; identity_later: a tipster's identity given
# after filing; guide: the guideline; privacy_notice: the PDPA notice; receipt_slip: the
# receipt as a file; reopen: asking to reopen a closed case; statistics: /stats.
from intake.public import (  # noqa: E402,F401
    feedback,
    followup,
    guide,
    identity_later,
    privacy_notice,
    receipt_slip,
    reopen,
    statistics,
    views,
)
