"""Worker phone pages under /f/<token>: pick a language, answer page by page, submit once.

Every transition is a POST that returns the next page's full HTML, so the same pages
work with scripts (collect.js swaps them in place, retrying while offline) and without.
The resume token travels in a hidden field, never in a URL, so browser history holds
only the session's opaque token.
"""

from __future__ import annotations

import contextlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, redirect, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from xlsform import logic
from xlsform.model import FormDefinition

from .. import get_station, instances, questionnaire
from ..finalise import finalise_record
from ..i18n import best_match, find_language, set_language
from ..instances import Spot
from ..languages import language_info
from ..posted import posted_answers
from ..sessions import OPEN, CollectionSession, find_by_token
from ..store.records import NotADraft, RecordMeta
from . import bp, picker, responses
from .guard import RateLimiter, csrf_ok, csrf_token, limiter_key
from .pages import render_worker
from .responses import Draft, Response, ResponseGone, hash_resume

limiter = RateLimiter()


class Refused(HTTPException):
    """A neutral refusal page with a status code (410 gone, 409 conflict, 429, 400)."""

    def __init__(self, code: int) -> None:
        super().__init__()
        self.code = code


# --------------------------------------------------------------------------- helpers


def _open_session(token: str, new_start: bool = False) -> CollectionSession:
    return _check_open(find_by_token(get_station().store, token), new_start)


def _check_open(session: CollectionSession | None, new_start: bool = False
                ) -> CollectionSession:
    if session is None:
        raise Refused(410)
    if new_start and session.status() != OPEN:
        raise Refused(410)
    if not session.accepts_answers():
        raise Refused(410)
    return session


def _limit(session: CollectionSession, who: str) -> None:
    """At most ``rate_limit_per_minute`` requests of one tab (``who``: a hash of its tab
    token, or of its resume token for a response from before tabs); no limit is shared
    by the phones of a session, so one phone cannot make the others wait."""
    per_minute = get_station().settings["rate_limit_per_minute"]
    if not limiter.allow(limiter_key(session.id, who), per_minute):
        raise Refused(429)


def _idle_until() -> float:
    return responses.idle_deadline(get_station().settings["unfinished_idle_minutes"])


def _start_csrf(session: CollectionSession, tab: str) -> str:
    """The start form's CSRF token, bound to the tab token the first page minted."""
    return csrf_token(session.id, "start:" + responses.hash_tab(tab))


def _tab(session: CollectionSession) -> tuple[str, str]:
    """The posting tab's resume token and its hash, after its CSRF token and rate limit."""
    resume = request.form.get("~r", "")
    resume_hash = hash_resume(resume)
    _check_tab(session, resume_hash)
    return resume, resume_hash


def _check_tab(session: CollectionSession, resume_hash: str,
               response: Response | None = None) -> None:
    if not csrf_ok(request.form.get("~csrf"), session.id, resume_hash):
        raise Refused(400)
    _limit(session, response.tab_hash if response and response.tab_hash else resume_hash)


def _find(session: CollectionSession, resume: str) -> Response:
    try:
        return responses.find(get_station().store, session, resume)
    except ResponseGone:
        raise Refused(410) from None


def _form(session: CollectionSession) -> FormDefinition:
    """The form as a self-completing worker sees it: no identifying questions."""
    return questionnaire.form_for(get_station(), session.form_id, session.form_version,
                                  questionnaire.SELF)


@dataclass
class Submission:
    """One tab's post: its session, resume token and response, the form, the draft as it
    stands, and the page posted (its place: a page address) with what it carried."""

    session: CollectionSession
    token: str
    resume: str
    response: Response | None
    form: FormDefinition
    draft: Draft
    spot: Spot | None = None
    posted: dict[str, Any] = field(default_factory=dict)


def _languages(session: CollectionSession, form: FormDefinition) -> list[dict[str, Any]]:
    return [language_info(code, form) for code in session.languages]


def _render(template: str, session: CollectionSession | None, lang: str, status: int = 200,
            **context: Any):
    set_language(lang)  # also what the template context reports, without reading the body
    if "page_config" in context:
        context["page_config"] = {**context["page_config"], "msg": _messages()}
    fonts = [language_info(c)["font"] for c in (session.languages if session else ())]
    return render_worker(template, status, lang=lang, fonts=fonts, **context)


def _messages() -> dict[str, str]:
    return {"offline": _("No connection. Your answers are kept on this phone. "
                         "Trying again…"),
            "sending": _("Sending…"), "listen": _("Listen")}


def _render_page(sub: Submission, address: str, errors: dict[str, str] | None = None,
                 status: int = 200, asking_to_remove: bool = False):
    """The page at ``address`` (a page name, or a repeat instance's "household~2");
    ``asking_to_remove``: with "Yes, remove" in place of "Remove this one"."""
    form, draft, session = sub.form, sub.draft, sub.session
    spot = instances.locate(form, address)
    place = questionnaire.place(form, address, draft.answers)
    items = questionnaire.page_questions(form, spot, draft.language, draft.answers)
    return _render(
        "collect/page.html", session, draft.language, status, token=sub.token,
        resume=sub.resume, csrf=csrf_token(session.id, hash_resume(sub.resume)),
        address=address, instance=draft.instance, items=items,
        errors=errors or {}, last=place.is_last,
        has_back=place.has_back, lang_code=draft.language,
        heading=instances.heading(form, spot, draft.language) if spot.repeat else "",
        adding=spot.adding and instances.by_hand(form, spot),
        removable=instances.removable(form, spot), asking_to_remove=asking_to_remove,
        form_logic=questionnaire.client_logic(form, spot, draft.answers),
        page_config={"lang": language_info(draft.language)["html_lang"],
                     "last": place.is_last})  # quick.js never sends the last page


def receipt_for(record_id: str) -> str:
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.digest(secret, f"receipt:{record_id}".encode(), "sha256").hex()[:16]


RECEIPT_SLOT = "0000receipt0000"
_done_pages: dict[tuple[str, tuple[str, ...]], tuple[str, dict[str, str]]] = {}


def _done(session: CollectionSession, lang: str, record_id: str):
    """The thank-you page. It differs only by language and receipt, so it is rendered once
    per language and session fonts and the receipt is filled in (it is the busiest page)."""
    receipt = receipt_for(record_id)
    key = (lang, session.languages)
    if key not in _done_pages:
        html, _status, headers = _render("collect/done.html", session, lang,
                                         receipt=RECEIPT_SLOT, page_config={"done": True},
                                         lang_code=lang)
        _done_pages[key] = (html, headers)
    html, headers = _done_pages[key]
    return html.replace(RECEIPT_SLOT, receipt), 200, {**headers, "X-Receipt": receipt}


# --------------------------------------------------------------------------- routes


@bp.get("/<token>")
def entry(token: str):
    """The language picker (the phone's first load); it mints the tab's token."""
    session = _open_session(token, new_start=True)
    tab = secrets.token_urlsafe(16)
    form = _form(session)
    first = picker.preferred(session)
    languages = sorted(_languages(session, form), key=lambda info: info["code"] != first)
    headings = []
    for info in languages:
        with force_locale(info["locale"]):
            text = _("Choose your language")
        if all(text != h["text"] for h in headings):
            headings.append({"text": text, "lang": info["html_lang"], "dir": info["direction"]})
    return _render("collect/start.html", session, first, token=token, languages=languages,
                   headings=headings, tab=tab, csrf=_start_csrf(session, tab),
                   page_config={"start": True}, pick=True)


@bp.post("/<token>/start")
def start(token: str):
    session = _open_session(token, new_start=True)
    tab = request.form.get("t", "")
    if not csrf_ok(request.form.get("~csrf"), session.id,
                   "start:" + responses.hash_tab(tab)):
        raise Refused(400)
    _limit(session, responses.hash_tab(tab))
    form = _form(session)
    lang = request.form.get("lang", "")
    if lang not in session.languages:
        lang = session.languages[0]
    instance = request.form.get("instance", "")
    if not responses.valid_instance_id(instance):
        instance = responses.new_instance_id()
    with logic.reusing_resolutions():
        first = questionnaire.first_page(form, {})
        draft = Draft(page=first, language=lang, instance=instance)
        try:
            resume, response = responses.start(get_station().store, session, draft, tab,
                                               _idle_until())
        except responses.TooManyStarted:
            raise Refused(429) from None
        except responses.SessionFull:
            raise Refused(410) from None
        except responses.InstanceTaken:
            raise Refused(409) from None
        return _render_page(Submission(session, token, resume, response, form, draft), first)


@bp.post("/<token>/resume")
def resume(token: str):
    """A reload: the tab still holds its resume token (scripts only)."""
    session = _open_session(token)
    resume_token, _hash = _tab(session)
    response = _find(session, resume_token)
    if response.status != responses.STARTED:
        raise Refused(410)
    with logic.reusing_resolutions():
        draft = _draft(response)
        sub = Submission(session, token, resume_token, response, _form(session), draft)
        return _render_page(sub, draft.page)


def _draft(response: Response) -> Draft:
    try:
        return responses.draft_of(response)
    except ResponseGone:
        raise Refused(410) from None


@bp.post("/<token>/page")
def page(token: str):
    resume_token = request.form.get("~r", "")
    resume_hash = hash_resume(resume_token)
    # Read inside the tab's lock: a double-tapped submit sees the first one's outcome.
    with responses.lock_for(resume_hash), logic.reusing_resolutions():
        found, response = responses.find_with_session(get_station().store, token,
                                                      resume_token)
        session = _check_open(found)
        _check_tab(session, resume_hash, response)
        if response is None:
            raise Refused(410)
        form = _form(session)
        if response.status == responses.SUBMITTED:
            return _retry(session, response, form)
        sub = Submission(session, token, resume_token, response, form, _draft(response))
        return _answer_page(sub)


def _answer_page(sub: Submission):
    """Save the page's answers and show what comes next (or submit after the last)."""
    store, form, draft = get_station().store, sub.form, sub.draft
    try:
        spot = sub.spot = instances.locate(form, request.form.get("~page", ""))
    except KeyError:
        spot = sub.spot = instances.locate(form, draft.page)
    sub.posted = posted_answers(form, spot.page, request.form) if spot.page else {}
    draft.answers = instances.merged(form, spot, draft.answers, sub.posted)
    go = request.form.get("~go")
    if go == instances.ASK_REMOVE and instances.removable(form, spot):
        responses.save_draft(store, sub.response, draft, _idle_until())
        return _render_page(sub, spot.address, asking_to_remove=True)
    try:
        target = _instance_change(sub, go) if go in (instances.ADD, instances.REMOVE) \
            else None
        if go == "back":
            target = questionnaire.page_before(form, draft.answers, spot.address)
        if target is not None:
            draft.page = target
            responses.save_draft(store, sub.response, draft, _idle_until())
            return _render_page(sub, target)
        errors = questionnaire.page_errors(form, spot, draft.answers, draft.language)
        following = questionnaire.page_after(form, draft.answers, spot.address)
    except ValueError:  # a place no longer on the path (an instance removed since)
        draft.page = questionnaire.first_page(form, draft.answers)
        responses.save_draft(store, sub.response, draft, _idle_until())
        return _render_page(sub, draft.page)
    draft.page = spot.address if errors or following is None else following
    if errors:
        responses.save_draft(store, sub.response, draft, _idle_until())
        return _render_page(sub, spot.address, errors, 422)
    if following is not None:
        responses.save_draft(store, sub.response, draft, _idle_until())
        return _render_page(sub, following)
    return _submit(sub)


def _instance_change(sub: Submission, go: str) -> str | None:
    """"Add another" at an "add another?" place, "Remove this one" on an instance's page:
    the draft's answers changed and the address to show next (None: not allowed here; the
    same place when the repeat holds as many instances as it may)."""
    form, draft, spot = sub.form, sub.draft, sub.spot
    assert spot is not None
    try:
        found = instances.changed(form, spot, draft.answers, go)
    except ValueError:  # at the most instances, or an instance removed since
        if questionnaire.is_shown(form, spot.address, draft.answers):
            return spot.address
        return questionnaire.first_page(form, draft.answers)
    if found is None:
        return None
    draft.answers, target = found
    return target


def _submit(sub: Submission):
    """Check every shown page, seal the record, remember how to answer a retry."""
    station, draft, response = get_station(), sub.draft, sub.response
    assert response is not None and sub.spot is not None
    instance = request.form.get("~instance", "") or draft.instance
    if instance != draft.instance:
        # An instance id belongs to the response that started with it: a copied one
        # posted from another tab is refused, and the response keeps its own.
        raise Refused(409)
    blocked = questionnaire.blocked(sub.form, draft.answers, draft.language,
                                    checked=sub.spot.address)
    if blocked is not None:
        draft.page = blocked.page
        responses.save_draft(station.store, response, draft, _idle_until())
        return _render_page(sub, blocked.page, blocked.errors, 422)
    record_id = responses.record_id_for(response, instance)
    digest = responses.answers_digest(response, instance,
                                      {"~page": sub.spot.address, **sub.posted})
    try:
        # The sealed record and the response's new state: one durable commit.
        finalise_record(station, _record_meta(sub, record_id), sub.form, draft.answers, {},
                        then=lambda db: responses.submitted_within_cap(db, response,
                                                                       record_id, digest))
    except responses.SessionFull:
        raise Refused(410) from None  # the draft stays until the session ends
    except NotADraft:
        # Already sealed: by another response under the same instance id (refused), or by
        # an earlier attempt of this one whose state was never recorded.
        if responses.record_claimed_elsewhere(station.store, response, record_id):
            raise Refused(409) from None
        responses.mark_submitted(station.store, response, record_id, digest)
    return _done(sub.session, draft.language, record_id)


def _record_meta(sub: Submission, record_id: str) -> RecordMeta:
    session = sub.session
    return RecordMeta(id=record_id, form_id=sub.form.form_id, form_version=sub.form.version,
                      project_id=session.project_id, mode=questionnaire.SELF,
                      language=sub.draft.language, status="draft",
                      supplier_id=session.supplier_id, session_id=session.id, day="", seq=0,
                      revision=1)


def _retry(session: CollectionSession, response: Response, form: FormDefinition):
    """The same final post again → the same receipt; anything else → 409."""
    try:
        spot = instances.locate(form, request.form.get("~page", ""))
    except KeyError:
        raise Refused(409) from None
    instance = request.form.get("~instance", "")
    posted = posted_answers(form, spot.page, request.form) if spot.page else {}
    digest = responses.answers_digest(response, instance, {"~page": spot.address, **posted})
    same_record = responses.record_id_for(response, instance) == response.record_id
    if same_record and response.digest and hmac.compare_digest(digest, response.digest):
        lang = request.form.get("~lang") or session.languages[0]
        return _done(session, lang if lang in session.languages else session.languages[0],
                     response.record_id or "")
    raise Refused(409)


@bp.post("/<token>/exit")
def exit_(token: str):
    """Quick exit: optionally delete the unfinished answers, then a neutral page."""
    session = find_by_token(get_station().store, token)
    resume_token = request.form.get("~r", "")
    wanted = session is not None and resume_token and request.form.get("~delete")
    if wanted and csrf_ok(request.form.get("~csrf"), session.id, hash_resume(resume_token)):
        with contextlib.suppress(ResponseGone):
            response = responses.find(get_station().store, session, resume_token)
            responses.delete(get_station().store, response)
    return redirect(url_for("collect.neutral", lang=_worker_language()), 303)


@bp.get("/bye")
def neutral():
    return _render("collect/neutral.html", None, _worker_language(), message=None)


def _worker_language(read_body: bool = True) -> str:
    """The language a neutral page speaks: the tab's own (``~lang`` posted by a page or the
    quick exit, ``lang`` by the start form, or in the query), else the phone's
    Accept-Language, else English."""
    chosen = request.args.get("lang")
    if not chosen and read_body and request.method == "POST":
        chosen = request.form.get("~lang") or request.form.get("lang")
    known = find_language(chosen)
    return known.code if known else best_match(request.headers.get("Accept-Language")) or "en"


@bp.errorhandler(Refused)
def refused(error: Refused):
    return _neutral_error(error.code)


@bp.errorhandler(413)
def too_large(_error: Exception):
    return _neutral_error(413)


def _neutral_error(code: int):
    lang = _worker_language(read_body=code != 413)  # a 413 body must not be read again
    set_language(lang)
    messages = {
        400: _("This page has expired. Scan the code again to start."),
        409: _("These answers were already sent."),
        413: _("Too much text on one page. Shorten your answer and try again."),
        429: _("Too many requests. Wait a moment and try again."),
    }
    return _render("collect/neutral.html", None, lang, code, message=messages.get(code))

