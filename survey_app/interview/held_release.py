"""Right after the interpreter unlocks, finalise the phone submissions held while locked."""

from __future__ import annotations

from flask import Response, flash, request, session
from flask_babel import ngettext

from .. import get_station, held
from ..browser_unlock import GRANT
from ..station import INTERPRETER, acting_for
from . import bp


@bp.after_request
def release_after_unlock(response: Response) -> Response:
    """After a successful unlock (a redirect or the continue page), release what waits."""
    station = get_station()
    if request.endpoint != "interview.unlock" or request.method != "POST" or \
            response.status_code >= 400 or not station.admits(session.get(GRANT)):
        return response
    acting = acting_for.set(INTERPRETER)  # this very request admitted the browser
    try:
        released = held.release(station)
    finally:
        acting_for.reset(acting)
    if released:
        flash(ngettext("%(num)d answer sent from a phone while the station was locked has now "
                       "been cleaned of the listed names and sealed.",
                       "%(num)d answers sent from phones while the station was locked have now "
                       "been cleaned of the listed names and sealed.", released))
    return response
