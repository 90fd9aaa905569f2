"""The staff side. The blueprint and its guard are in ``intake.staff.blueprint``; importing
this package imports every view module, each one area of the staff side, so that their
routes are registered on the blueprint before the application registers it."""

from intake.staff import (  # noqa: F401  (their routes)
    admin,
    admin_departments_categories,
    admin_holidays,
    admin_line,
    admin_mail,
    admin_open311,
    audit_views,
    auth,
    calendar,
    case_links,
    cases,
    enrolment,
    exclusions,
    host_referrals,
    queue,
    register,
    reopen_requests,
    reports,
    reveals,
)
