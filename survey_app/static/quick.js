/* Appearance "quick" (ODK's auto-advance): tapping a choice of a quick select_one moves to
   the next page, as if Next were pressed, when that question is the last one shown on the
   page that takes an answer (the questions before it were passed on the way). It never
   finalises nor sends the last page: there Next stays the person's own press. Keyboard
   changes (arrows, space) never move on, so choices can be read through one by one.
   Without scripts nothing changes. Served in the phone's bundle (collect/assets.py) and on
   the interview page; the phone's page config says "last" on its final page. The form's
   own properties are reached through the prototype: a question named "dataset" or
   "querySelector" would stand in for them. */
(function () {
  var sent = typeof WeakSet === "function" ? new WeakSet() : null;
  function all(form, selector) { return Element.prototype.querySelectorAll.call(form, selector); }
  function one(form, selector) { return Element.prototype.querySelector.call(form, selector); }

  var INPUTS = "input:not([type=hidden]):not(:disabled),select:not(:disabled),textarea:not(:disabled)";

  function onFinalPage() {
    var cfg = document.getElementById("cfg");
    try { return !!(cfg && JSON.parse(cfg.textContent).last); } catch (e) { return false; }
  }

  function lastShown(form) {
    var shown = Array.prototype.filter.call(all(form, "[data-q]"), function (box) {
      return !box.closest("[hidden]") && box.querySelector(INPUTS);
    });
    return shown[shown.length - 1] || null;
  }

  function advance(box) {
    var form = box.closest("form");
    var next = form && one(form, "button[type=submit][value=next]");
    if (!next || !sent || sent.has(form) || onFinalPage()) return;
    if (!box.querySelector("input[type=radio]:checked") || lastShown(form) !== box) return;
    sent.add(form);
    if (HTMLFormElement.prototype.requestSubmit) {
      HTMLFormElement.prototype.requestSubmit.call(form, next);
    } else {
      next.click();
    }
  }

  document.addEventListener("click", function (ev) {
    if (!ev.detail) return;  // not a tap or a mouse click: keyboard activation
    var box = ev.target.closest ? ev.target.closest(".look-quick[data-q]") : null;
    if (!box || !box.querySelector("input[type=radio]")) return;
    setTimeout(function () { advance(box); }, 0);  // after the choice and relevance settle
  });
})();
