"""GeoReport v2's two formats: every answer is a list of flat records (or one record for
discovery), written as JSON or as the specification's XML."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

from flask import Response

JSON = "json"
XML = "xml"
MIMETYPES = {JSON: "application/json", XML: "text/xml"}


def _xml_value(parent: ElementTree.Element, name: str, value: Any) -> None:
    element = ElementTree.SubElement(parent, name)
    if isinstance(value, dict):
        for key, inner in value.items():
            _xml_value(element, key, inner)
    elif isinstance(value, list):
        singular = name[:-1] if name.endswith("s") else name
        for item in value:
            _xml_value(element, singular, item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def records(
    fmt: str, root: str, item: str, rows: list[dict[str, Any]], status: int = 200
) -> Response:
    """A list of records: ``[{...}, ...]`` or ``<root><item>...</item></root>``."""
    if fmt == JSON:
        body = json.dumps(rows, ensure_ascii=False)
    else:
        element = ElementTree.Element(root)
        for row in rows:
            child = ElementTree.SubElement(element, item)
            for key, value in row.items():
                _xml_value(child, key, value)
        body = _xml_document(element)
    return Response(body, status=status, mimetype=MIMETYPES[fmt])


def record(fmt: str, root: str, row: dict[str, Any]) -> Response:
    """One record: ``{...}`` or ``<root>...</root>`` (discovery, a service's definition)."""
    if fmt == JSON:
        body = json.dumps(row, ensure_ascii=False)
    else:
        element = ElementTree.Element(root)
        for key, value in row.items():
            _xml_value(element, key, value)
        body = _xml_document(element)
    return Response(body, mimetype=MIMETYPES[fmt])


def errors(fmt: str, status: int, description: str) -> Response:
    """The specification's error answer, with the same code as the HTTP status."""
    return records(fmt, "errors", "error", [{"code": status, "description": description}], status)


def _xml_document(element: ElementTree.Element) -> str:
    return '<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(
        element, encoding="unicode"
    )
