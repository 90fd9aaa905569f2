"""Templates translate through ``gettext``/``ngettext`` bound once per rendering to the
catalogue of its language (``intake.i18n.bound_translations``): the same text, escaping
and formatting as Jinja's own i18n callables, in the language of the request."""

from __future__ import annotations

from flask import Flask, render_template_string
from flask_babel import force_locale, gettext, ngettext

TRACK = "ติดตามเรื่อง"
YEARS = "%(num)d ปี"


def test_a_template_speaks_the_language_it_is_rendered_in(app: Flask) -> None:
    with app.test_request_context("/"):
        for language in ("th", "en"):
            with force_locale(language):
                expected = gettext(TRACK)
                rendered = render_template_string("{{ _('ติดตามเรื่อง') }}")
            assert rendered == expected
        with force_locale("en"):
            assert render_template_string("{{ _('ติดตามเรื่อง') }}") != TRACK


def test_values_are_escaped_and_formatted_as_jinja_does(app: Flask) -> None:
    with app.test_request_context("/"):
        rendered = render_template_string(
            "{{ _('โปรดตรวจสอบที่ %(url)s ด้วยรหัสติดตามเรื่องของท่าน', url=link) }}",
            link='<a href="x">',
        )
        assert "&lt;a href=&#34;x&#34;&gt;" in rendered and "<a" not in rendered
        # a plural: the count is the value ``num``, and in the trans block too
        with force_locale("en"):
            expected = ngettext(YEARS, YEARS, 5)
            assert render_template_string("{{ ngettext('%(num)d ปี', '%(num)d ปี', 5) }}") == (
                expected
            )
        block = "{% trans count=3 %}{{ count }} ปี{% pluralize %}{{ count }} ปี{% endtrans %}"
        assert render_template_string(block) == "3 ปี"
