"""The public side: the two channels, receipt, tracking, guideline, health."""

from flask import Blueprint

bp = Blueprint("public", __name__)

# Routes register on import. followup: /track and the followed case (session, replies);
# feedback: survey, notices, lost-code help; guide: the guideline; statistics: /stats.
from intake.public import feedback, followup, guide, statistics, views  # noqa: E402,F401
