"""``/``: the first page of the menu the officer may open."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from ..auth import may, officer
from ..nav import MENU

bp = Blueprint("home", __name__)


@bp.get("/")
def home() -> WerkzeugResponse:
    if officer() is None:
        return redirect(url_for("auth.login"))
    for entry in MENU:
        if may(entry.command):
            return redirect(url_for(entry.endpoint))
    return redirect(url_for("auth.login"))
