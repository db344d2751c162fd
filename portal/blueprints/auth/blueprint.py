"""The `auth` blueprint object; views import it from here, so the package imports no cycle."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
