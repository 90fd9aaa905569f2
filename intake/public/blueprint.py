"""The public blueprint. The view modules register their routes on ``bp``; ``intake.public``
gathers them."""

from flask import Blueprint

bp = Blueprint("public", __name__)
