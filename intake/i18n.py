"""Locale choice and the template helpers that format for it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import Flask, current_app, request
from flask_babel import force_locale, get_locale, get_translations, gettext
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from intake import labels, local_names, thaidate
from intake.cleaning import Report

LANG_COOKIE = "lang"


def select_locale() -> str:
    chosen = request.cookies.get(LANG_COOKIE, "")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    if request.blueprint == "open311":
        # Another system has no language cookie: its Accept-Language chooses (Thai first).
        asked = request.accept_languages.best_match(current_app.config["LANGUAGES"])
        if asked:
            return str(asked)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale else "th"


def current_local_name(row: local_names.Named) -> str:
    """A department's, category's or organisation's name in the current request's language."""
    return local_names.local_name(row, current_language() == "en")


def format_datetime(value: datetime | None) -> str:
    return "" if value is None else thaidate.format_datetime(value, current_language())


def format_file_size(size: int) -> str:
    """A file's size as people read it: bytes, kilobytes or megabytes, in their language."""
    if size < 1024:
        return str(gettext("%(size)d ไบต์", size=size))
    if size < 1024 * 1024:
        return str(gettext("%(size).1f KB", size=size / 1024))
    return str(gettext("%(size).1f MB", size=size / (1024 * 1024)))


class ResolvedLabels:
    """``intake.labels`` for templates, each table translated once per language.

    A lazy string is translated again every time it is touched, and escaping touches it
    more than once; a queue page of 50 rows spent a fifth of its time there. The
    catalogues do not change while the process runs, so the tables are kept. A template
    gets the one of its rendering's language (``language_context``)."""

    def __init__(self, language: str | None = None) -> None:
        self._language = language
        self._tables: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        source = getattr(labels, name)
        if not isinstance(source, dict):
            return source
        if self._language is None:  # not bound to a language: the request's
            return getattr(_labels_in(current_language()), name)
        table = self._tables.get(name)
        if table is None:
            with force_locale(self._language):
                table = {k: str(v) if isinstance(v, LazyString) else v for k, v in source.items()}
            self._tables[name] = table
        return table


_LABELS: dict[str, ResolvedLabels] = {}


def _labels_in(language: str) -> ResolvedLabels:
    found = _LABELS.get(language)
    if found is None:
        found = _LABELS.setdefault(language, ResolvedLabels(language))
    return found


# The template variable that holds its rendering's language: looked up once per
# rendering, not once per date, name and label (a queue page has hundreds).
LANGUAGE_VARIABLE = "_intake_language"


def _language_of(context: Context) -> str:
    language = context.get(LANGUAGE_VARIABLE)
    return language if isinstance(language, str) else current_language()


def language_context() -> dict[str, Any]:
    language = current_language()
    return {LANGUAGE_VARIABLE: language, "labels": _labels_in(language)}


@pass_context
def _template_date(context: Context, value: date | datetime | None, style: str = "long") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = thaidate.local_date(value)
    return thaidate.format_date(value, _language_of(context), style)


@pass_context
def _template_datetime(context: Context, value: datetime | None) -> str:
    return "" if value is None else thaidate.format_datetime(value, _language_of(context))


@pass_context
def _template_month(context: Context, value: date) -> str:
    return thaidate.format_month(value, _language_of(context))


@pass_context
def _template_local_name(context: Context, row: local_names.Named) -> str:
    return local_names.local_name(row, _language_of(context) == "en")


@pass_context
def _template_in_language(context: Context, thai: str | None, english_text: str | None) -> str:
    return local_names.in_language(thai, english_text, _language_of(context) == "en")


def _newstyle(translate: Callable[..., str]) -> Callable[..., str]:
    """A template's ``_()``/``gettext()`` or ``ngettext()`` as Jinja's i18n extension makes
    them (``newstyle``): the text escaped as markup where the template escapes, and always
    formatted with its named values (``num`` for a plural)."""

    @pass_context
    def translated(context: Context, *message: Any, **values: Any) -> str:
        if len(message) == 3:
            values.setdefault("num", message[2])
        text = translate(*message)
        if context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704  # nosec B704 - the catalogue's own text, as Jinja's i18n does
        return text % values

    return translated


def bound_translations() -> dict[str, Any]:
    """The templates' ``gettext`` and ``ngettext``, bound once per rendering to the
    catalogue of its language. Flask-Babel's own look the request's locale and catalogue
    up again for every string, a fifth of a simple page's time."""
    translations = get_translations()
    return {
        "gettext": _newstyle(translations.ugettext),
        "ngettext": _newstyle(translations.ungettext),
    }


def init_app(app: Flask) -> None:
    app.context_processor(bound_translations)
    app.context_processor(language_context)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["thai_month"] = _template_month
    app.jinja_env.filters["thai_date"] = _template_date
    app.jinja_env.filters["thai_datetime"] = _template_datetime
    app.jinja_env.filters["metadata_report"] = Report.decode
    app.jinja_env.filters["file_size"] = format_file_size
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.filters["local_name"] = _template_local_name
    app.jinja_env.globals["in_language"] = _template_in_language
    # Templates rendered outside a request's context processors still find the labels.
    app.jinja_env.globals["labels"] = ResolvedLabels()
