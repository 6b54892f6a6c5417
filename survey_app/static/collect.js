/* Worker pages. Served as one bundle after logic.js (see collect/assets.py), which gives
   `amplifyLogic` (its start() wires relevance to the current page) or null. Without this
   file every page still works as plain form posts. What it adds:
   - each page is sent with fetch; offline, the page stays as typed and is retried with
     backoff (1 s, 2 s, 4 s ... 10 s), with a message in the page's language;
   - the reply (the next page's full HTML) is swapped in place; each page reached going
     forward adds a history entry with no token in it ({amplify: depth}), so the phone's
     Back posts the page as typed with go=back: the previous page, nothing lost;
   - a "sending..." state shows on the button while a post is on its way;
   - the resume token lives in this tab's sessionStorage only, so a reload continues;
   - quick exit wipes storage, asks the laptop to delete (if ticked), location.replace;
   - read-aloud with the phone's own voices, shown only when one speaks the language.
   The page's own fields start with "~" (~r, ~csrf, ~page, ~go ...), which no question name
   can: a question may be called "page" or "action". For the same reason a form's properties
   are read with getAttribute / the prototype's methods: an input named "action" or "id"
   would stand in for form.action or form.id. */
var doc = document, KEY = "amplify", BYE = "/f/bye", busy = false, lastButton = null;

function $(selector) { return doc.querySelector(selector); }
function within(form, selector) { return Element.prototype.querySelector.call(form, selector); }
function attr(form, name) { return Element.prototype.getAttribute.call(form, name); }
function config() { var c = $("#cfg"); return c ? JSON.parse(c.textContent) : {}; }
function messages() { return config().msg || {}; }
function wipe() {
  try { sessionStorage.clear(); localStorage.clear(); } catch (e) { /* storage disabled */ }
}
function remember() {
  var r = $("#f [name='~r']"), c = $("#f [name='~csrf']");
  if (r && c) {
    sessionStorage.setItem(KEY, JSON.stringify({ p: location.pathname, r: r.value, c: c.value }));
  }
}
function say(text) { var s = $("#st"); if (s) { s.textContent = text || ""; s.hidden = !text; } }
function randomId() {
  var bytes = new Uint8Array(16);
  (window.crypto || window.msCrypto).getRandomValues(bytes);
  return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
}

function pageName() { var p = $("#f [name='~page']"); return p ? p.value : ""; }
function depth() { return (history.state && history.state.amplify) || 0; }

function swap(html) {
  var parsed = new DOMParser().parseFromString(html, "text/html");
  doc.documentElement.lang = parsed.documentElement.lang;
  doc.documentElement.dir = parsed.documentElement.dir;
  doc.title = parsed.title;
  doc.body.replaceWith(doc.adoptNode(parsed.body));
  window.scrollTo(0, 0);
  settle();
}

function send(form, button, fromHistory) {
  if (busy) return;
  busy = true;
  var tries = 0, before = pageName(), back = !!button && button.value === "back";
  sending(button);
  function attempt() {
    var body = new URLSearchParams(new FormData(form));
    if (button && button.name) body.append(button.name, button.value);
    fetch(attr(form, "action"), { method: "POST", body: body, credentials: "omit", cache: "no-store" })
      .then(function (res) {
        if (res.status === 429 || res.status >= 500) throw new Error("retry");
        return res.text();
      })
      .then(function (html) {
        busy = false;
        swap(html);
        var after = pageName();
        if (!back && !fromHistory && after && after !== before) {
          history.pushState({ amplify: depth() + 1 }, "", location.pathname);
        }
      }, function () {
        tries += 1;
        say(messages().offline);
        setTimeout(attempt, Math.min(10000, 1000 * Math.pow(2, tries - 1)));
      });
  }
  attempt();
}

function sending(button) {
  var text = messages().sending;
  if (!button || !button.setAttribute || !text) return;
  button.setAttribute("aria-busy", "true");
  button.dataset.label = button.textContent;
  button.textContent = text;
}

function goBack(form, button) {
  // The page's own Back walks the same history as the phone's, so the two stay in step.
  if (depth() > 0) history.back(); else send(form, button);
}
window.addEventListener("popstate", function () {
  var form = $("#f"), button = form && within(form, "button[value=back]");
  if (form && !busy) send(form, button || { name: "~go", value: "back" }, true);
});

function quickExit(form) {
  wipe();
  var ticked = within(form, "[name='~delete']:checked");
  if (ticked && attr(form, "method") === "post") {
    var body = new URLSearchParams(new FormData(form));
    try {
      if (!(navigator.sendBeacon && navigator.sendBeacon(attr(form, "action"), body))) {
        fetch(attr(form, "action"), { method: "POST", body: body, keepalive: true, credentials: "omit" });
      }
    } catch (e) { /* offline: the draft stays unreadable without this tab's token */ }
  }
  location.replace(BYE);
}

function language() { return (doc.documentElement.lang || "").toLowerCase().split("-")[0]; }
function voiceFor(lang) {
  var synth = window.speechSynthesis;
  if (!synth || !lang) return null;
  return synth.getVoices().filter(function (v) {
    return v.localService !== false && v.lang.toLowerCase().replace("_", "-").split("-")[0] === lang;
  })[0] || null;
}
function showListen() {
  var ok = !!voiceFor(language());
  doc.querySelectorAll(".say").forEach(function (b) { b.hidden = !ok; });
}
function readAloud(button) {
  var box = button.closest(".q"), voice = voiceFor(language());
  if (!box || !voice) return;
  var parts = [];
  box.querySelectorAll("legend,label,.h,.note").forEach(function (n) { parts.push(n.textContent.trim()); });
  var utterance = new SpeechSynthesisUtterance(parts.join(". "));
  utterance.voice = voice;
  utterance.lang = voice.lang;
  speechSynthesis.cancel();
  speechSynthesis.speak(utterance);
}

function settle() {
  var c = config();
  if (c.done || $("#neutral")) wipe(); else remember();
  if (amplifyLogic) amplifyLogic.start();  // relevance for the page just swapped in
  showListen();
  var err = $(".err");
  if (err) { err.tabIndex = -1; err.focus(); }
}

function resumeIfReloaded() {
  var saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(KEY)); } catch (e) { saved = null; }
  if (!$("#s") || !saved || saved.p !== location.pathname) return false;
  doc.body.hidden = true;
  var body = new URLSearchParams({ "~r": saved.r, "~csrf": saved.c });
  fetch(location.pathname + "/resume", { method: "POST", body: body, credentials: "omit", cache: "no-store" })
    .then(function (res) { return res.text(); })
    .then(swap, function () { doc.body.hidden = false; });
  return true;
}

doc.addEventListener("click", function (ev) {
  var button = ev.target.closest ? ev.target.closest("button") : null;
  if (!button) return;
  if (button.classList.contains("say")) { readAloud(button); return; }
  lastButton = button;
});
doc.addEventListener("submit", function (ev) {
  var form = ev.target, button = ev.submitter || lastButton, id = attr(form, "id");
  if (id === "x") { ev.preventDefault(); quickExit(form); return; }
  if (id !== "f" && id !== "s") return;
  ev.preventDefault();
  var instance = within(form, "[name=instance]");
  if (id === "s" && instance && !instance.value) instance.value = randomId();
  if (button && button.value === "back") { goBack(form, button); return; }
  send(form, button);
});
if (window.speechSynthesis) speechSynthesis.onvoiceschanged = showListen;
if (!resumeIfReloaded()) settle();
