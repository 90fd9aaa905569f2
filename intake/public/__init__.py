"""The public side: the two channels, receipt, tracking, guideline, health. The blueprint
is in ``intake.public.blueprint``; importing this package imports every view module, so
that their routes are registered on it before the application registers it."""

# views: the two forms, the receipt, health; followup: /track and the followed case
# (session, replies); feedback: survey, notices, lost-code help; identity_later: a
# tipster's identity given after filing; guide: the guideline; privacy_notice: the PDPA
# notice; receipt_slip: the receipt as a file; reopen: asking to reopen a closed case;
# statistics: /stats.
from intake.public import (  # noqa: F401  (their routes)
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
