"""``/staff/login`` at the root of a host of several organisations: which organisation's
sign-in? Staff accounts belong to one organisation each (the same person may have one in
several, by the same username), so a person signs in at their organisation's own
address. This page finds that address by the organisation's name or place, from what the
public directory already shows; it never asks for a username, so it cannot tell anyone
who works where."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue

from intake.extensions import db
from intake.services import directory as directory_service

QUERY_MAX = 200


def choose_organisation() -> ResponseReturnValue:
    text = (request.args.get("q") or "")[:QUERY_MAX]
    listing = directory_service.search(db.session, text, "")
    return render_template("hostadmin/staff_sign_in.html", query=text, listing=listing)
