"""The names of the kinds of local government, full and short, through Babel (Thai source,
English in the catalogue)."""

from __future__ import annotations

from flask import has_app_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from intake.models import OrganisationType

TYPE_NAME = {
    OrganisationType.PAO: _l("องค์การบริหารส่วนจังหวัด"),
    OrganisationType.CITY: _l("เทศบาลนคร"),
    OrganisationType.TOWN: _l("เทศบาลเมือง"),
    OrganisationType.SUBDISTRICT_MUNICIPALITY: _l("เทศบาลตำบล"),
    OrganisationType.SAO: _l("องค์การบริหารส่วนตำบล"),
    OrganisationType.SPECIAL: _l("องค์กรปกครองส่วนท้องถิ่นรูปแบบพิเศษ"),
    OrganisationType.OTHER: _l("หน่วยงานประเภทอื่น"),
}

# What stands before a name in a list ("อบต.บ้านใหม่"). กรุงเทพมหานคร and เมืองพัทยา, and
# other bodies, are known by their name alone.
SHORT_PREFIX = {
    OrganisationType.PAO: _l("อบจ."),
    OrganisationType.CITY: _l("ทน."),
    OrganisationType.TOWN: _l("ทม."),
    OrganisationType.SUBDISTRICT_MUNICIPALITY: _l("ทต."),
    OrganisationType.SAO: _l("อบต."),
}


def _in(table: dict[OrganisationType, object], kind: OrganisationType, english: bool | None) -> str:
    text = table.get(kind, "")
    if english is None:
        return str(text)  # the reader's language
    if english and not has_app_context():
        # Outside the application the catalogues are not loaded: Thai would come back.
        raise RuntimeError("an English type name needs the application's context")
    with force_locale("en" if english else "th"):
        return str(text)


def type_name(kind: OrganisationType, english: bool | None = None) -> str:
    """The kind's full name: in English or Thai, or (None) in the reader's language."""
    return _in(TYPE_NAME, kind, english)


def short_prefix(kind: OrganisationType, english: bool | None = None) -> str:
    """The kind's abbreviation ("อบต."), or "" for the kinds known by their name alone."""
    return _in(SHORT_PREFIX, kind, english)


def official_name(kind: OrganisationType, own_name: str, english: bool) -> str:
    """An organisation's full name from its own: "องค์การบริหารส่วนตำบลบ้านใหม่",
    "Ban Mai Subdistrict Administrative Organization"."""
    if kind in (OrganisationType.SPECIAL, OrganisationType.OTHER):
        return own_name
    if english:
        return f"{own_name} {type_name(kind, english=True)}"
    return type_name(kind, english=False) + own_name
