"""Every reason a domain rule can say no, as one enum.

Services raise ``ServiceError(Problem.X)``; views and commands key their messages by the
member, so a mistyped code fails at import or in mypy instead of becoming "unknown error".
The values are the codes audit entries, logs and tests have always used: never change one.
"""

from enum import StrEnum


class Problem(StrEnum):
    # Anything the person cannot see or may not touch.
    NOT_FOUND = "not_found"  # also for a case hidden from this person: never confirm it
    FORBIDDEN = "forbidden"
    NOT_ALLOWED = "not_allowed"

    # Filing a case.
    CATEGORY_UNAVAILABLE = "category"
    CHANNEL_COMPLAINTS_ONLY = "channel_complaints_only"
    OPEN311_CLIENT_NAME = "open311_client_name"
    LINE_KEYS_INVALID = "line_keys_invalid"
    RECEIVED_IN_FUTURE = "received_in_future"
    STORAGE_UNAVAILABLE = "storage_unavailable"
    IDENTITY_UNAVAILABLE = "identity_unavailable"  # no identity key to seal to yet

    # Staff working a case, and the interim notice.
    NOT_ALLOWED_MOVE = "not_allowed_move"
    TEXT_TOO_LONG = "text_too_long"
    MESSAGE_REQUIRED = "message_required"
    MESSAGE_PLACEHOLDER = "message_placeholder"
    NOTE_REQUIRED = "note_required"
    REASON_REQUIRED = "reason_required"
    REASON_PLACEHOLDER = "reason_placeholder"
    PROGRESS_REQUIRED = "progress_required"
    PROGRESS_PLACEHOLDER = "progress_placeholder"
    DATE_REASON_REQUIRED = "date_reason_required"
    DATE_REASON_PLACEHOLDER = "date_reason_placeholder"
    EXPECTED_DATE_REQUIRED = "expected_date_required"
    EXPECTED_DATE_PAST = "expected_date_past"
    EXPECTED_DATE_TOO_FAR = "expected_date_too_far"
    DEPARTMENT_REQUIRED = "department_required"
    REFERRAL_REQUIRED = "referral_required"
    REFERRAL_NAME_REQUIRED = "referral_name_required"
    LINKED_CASES = "linked_cases"  # a tip is never linked to a complaint

    # Referring a case to another organisation on the host.
    RECEIVER_REQUIRED = "receiver_required"
    RECEIVER_SAME = "receiver_same"
    RECEIVER_SUSPENDED = "receiver_suspended"
    RECEIVER_CANNOT_SEAL = "receiver_cannot_seal"  # it has no identity key yet

    # Linking cases.
    LINK_UNKNOWN = "link_unknown"
    LINK_SELF = "link_self"
    LINK_FOLLOWER = "link_follower"
    LINK_KIND = "link_kind"
    LINK_CLOSED = "link_closed"
    LINK_ALREADY = "link_already"
    LINK_NONE = "link_none"

    # Conflict-of-interest exclusions.
    EXCLUDED_USER_REQUIRED = "user_required"
    ALREADY_EXCLUDED = "already_excluded"
    LAST_HANDLER = "last_handler"

    # The person following their case.
    CASE_CLOSED = "closed"
    CASE_NOT_CLOSED = "not_closed"
    CASE_PURGED = "purged"
    REOPEN_PENDING = "pending"
    REOPEN_WINDOW_CLOSED = "window_closed"
    NO_REOPEN_REQUEST = "no_reopen_request"
    NOT_ANONYMOUS = "not_anonymous"
    IDENTITY_ALREADY_GIVEN = "already_given"
    IDENTITY_REQUIRED = "identity_required"
    SCORE_OUT_OF_SCALE = "score"
    COMMENT_TOO_LONG = "comment_too_long"
    ALREADY_ANSWERED = "already_answered"
    NOTICE_ACTION_UNKNOWN = "action"
    NOTICE_ADDRESS_UNAVAILABLE = "unavailable"
    NOTICE_ADDRESS_REQUIRED = "address_required"

    # Signing in and enrolment.
    SIGN_IN_REFUSED = "invalid"  # the same whatever the reason
    WRONG_TWO_FACTOR_CODE = "bad_code"
    NO_TWO_FACTOR = "no_totp"
    SIGN_IN_LOCKED = "locked"
    WEAK_PASSWORD = "weak_password"  # noqa: S105 (a code, not a secret)
    ENROLMENT_INVALID = "enrolment_invalid"
    ENROLMENT_EXPIRED = "enrolment_expired"

    # Identity reveals, personal keys and the custodians.
    REASON_TOO_SHORT = "reason_too_short"
    REASON_TOO_LONG = "reason_too_long"
    ALREADY_PENDING = "already_pending"
    NO_IDENTITY = "no_identity"
    NO_PERSONAL_KEY = "no_personal_key"
    WRONG_PASSWORD = "wrong_password"  # noqa: S105 (a code, not a secret)
    REQUESTER_EXCLUDED = "requester_excluded"
    REQUESTER_HAS_NO_KEY = "requester_has_no_key"
    SAME_PERSON = "same_person"
    NOT_PENDING = "not_pending"
    NOT_RUNNING = "not_running"
    NOT_CUSTODIAN = "not_custodian"
    ALREADY_CUSTODIAN = "already_custodian"
    LAST_CUSTODIAN = "last_custodian"
    WEAK_PASSPHRASE = "weak_passphrase"  # noqa: S105 (a code, not a secret)
    WRONG_PASSPHRASE = "wrong_passphrase"  # noqa: S105 (a code, not a secret)
    PASSPHRASE_LOCKED = "passphrase_locked"  # noqa: S105 (a code, not a secret)
    IDENTITY_KEY_EXISTS = "identity_key_exists"

    # Administration.
    BAD_USERNAME = "bad_username"
    USERNAME_TAKEN = "username_taken"
    OWN_ACCOUNT = "self"  # an administrator never suspends or demotes themselves
    OWN_ENROLMENT_LINK = "self_link"
    HOLDS_IDENTITY_KEY = "holds_identity_key"
    NO_EXECUTIVE_TIP_HANDLER = "no_executive_tip_handler"
    NAME_TAKEN = "name_taken"
    NO_DEPARTMENT = "no_department"
    BAD_POSITION = "bad_position"
    HOLIDAY_EXISTS = "holiday_exists"
    DEPARTMENT_IN_USE = "department_in_use"
    ORGANISATION_NAME_REQUIRED = "name_required"
    SETTING_OUT_OF_RANGE = "out_of_range"
    BAD_URL = "bad_url"
    MAIL_NOT_FAILED = "not_failed"
    FILE_MISSING = "file_missing"

    # The host: its organisations and administrators.
    SLUG_INVALID = "slug_invalid"
    SLUG_RESERVED = "slug_reserved"
    SLUG_TAKEN = "slug_taken"
    HOSTNAME_INVALID = "hostname_invalid"
    HOSTNAME_TAKEN = "hostname_taken"
    PROVINCE_UNKNOWN = "province_unknown"
    DISTRICT_UNKNOWN = "district_unknown"

    # Reports and demo data.
    BAD_PERIOD = "bad_period"
    REPORT_TEXT_TOO_LONG = "too_long"
    NO_REFERENCE_DATA = "no_reference_data"
    NO_PERIOD = "no_period"
