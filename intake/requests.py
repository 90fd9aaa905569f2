"""The request class: form parts without a usable name are dropped while parsing, and
every temporary file the parser made is closed with the request.

A multipart part whose name cannot be read (a header broken by a carriage return, say)
comes out of the parser under the name None; code that reads form keys as text (CSRF
checks, form binding) would fail on it with a server error. Nothing can address such a
part anyway, so it is left out, like any field the forms do not know.

werkzeug closes only the files it hands back in ``request.files``: a part dropped above,
or one parsed before a later part made the body too large (413), would keep its temporary
file open until garbage collection. Every stream the parser asks for is remembered here
and closed when the request is.
"""

from __future__ import annotations

from typing import IO

from flask import Request
from werkzeug.datastructures import MultiDict

_STREAMS = "intake_file_streams"


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
        self.__dict__["files"] = _named(self.__dict__["files"])

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        stream = super()._get_file_stream(
            total_content_length, content_type, filename, content_length
        )
        self.__dict__.setdefault(_STREAMS, []).append(stream)
        return stream

    def close(self) -> None:
        super().close()
        for stream in self.__dict__.pop(_STREAMS, []):
            stream.close()
