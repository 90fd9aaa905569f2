"""Filing a complaint or tip through the public forms, as a person does."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

CODE_PATTERN = re.compile(r'id="tracking-code"[^>]*>([0-9 ]+)<')


REFERENCE_PATTERN = re.compile(r'id="reference-number"[^>]*>([^<]+)<')


def file_and_read_receipt(client: FlaskClient, path: str, form: dict) -> tuple[str, str]:
    response = client.post(path, data=form)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    assert response.headers["Location"].endswith("/receipt")
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    code = CODE_PATTERN.search(receipt)
    reference = REFERENCE_PATTERN.search(receipt)
    assert code and reference, receipt
    return reference.group(1), code.group(1)
