"""The request class: form parts without a usable name are dropped while parsing.

A multipart part whose name cannot be read (a header broken by a carriage return, say)
comes out of the parser under the name None; code that reads form keys as text (CSRF
checks, form binding) would fail on it with a server error. Nothing can address such a
part anyway, so it is left out, like any field the forms do not know.
"""

from __future__ import annotations

from flask import Request
from werkzeug.datastructures import MultiDict


def _named(values: MultiDict) -> MultiDict:
    if all(isinstance(key, str) for key in values.keys()):
        return values
    kept = [(key, value) for key, value in values.items(multi=True) if isinstance(key, str)]
    return type(values)(kept)


class IntakeRequest(Request):
    def _load_form_data(self) -> None:
        super()._load_form_data()
        # werkzeug caches the parsed form and files in __dict__; replace them there.
        self.__dict__["form"] = _named(self.__dict__["form"])
        files = self.__dict__["files"]
        for key, upload in files.items(multi=True):
            if not isinstance(key, str):
                # Left out below, so the request's own close would never reach it: a large
                # part's temporary file would stay open until garbage collection.
                upload.close()
        self.__dict__["files"] = _named(files)
