/* Show and hide questions as answers change. Pure data: reads the relevance ASTs from
   <script type="application/json" id="form-logic">, never evals. The page works without it:
   the server decides again on submit. Semantics mirror survey_app/xlsform/expressions.py. */
(function () {
  "use strict";
  var NUM = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/, DATE = /^\d{4}-\d{2}-\d{2}$/;

  function str(v) {
    if (v === null || v === undefined) return "";
    if (typeof v === "boolean") return v ? "true" : "false";
    if (Array.isArray(v)) return v.map(str).join(" ");
    if (typeof v === "number") {
      if (isNaN(v)) return "NaN";
      if (!isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
      return String(v);
    }
    return String(v);
  }
  function days(t) {
    var p = t.split("-").map(Number), ms = Date.UTC(p[0], p[1] - 1, p[2]), d = new Date(ms);
    return d.getUTCMonth() === p[1] - 1 && d.getUTCDate() === p[2] ? ms / 864e5 : NaN;
  }
  function num(v) {
    if (typeof v === "boolean") return v ? 1 : 0;
    if (typeof v === "number") return v;
    var t = str(v).trim();
    if (NUM.test(t)) return parseFloat(t);
    return DATE.test(t) ? days(t) : NaN;
  }
  function bool(v) {
    if (typeof v === "boolean") return v;
    if (typeof v === "number") return !isNaN(v) && v !== 0;
    if (Array.isArray(v)) return v.length > 0;
    return str(v) !== "";
  }
  function numeric(v) {
    return typeof v === "number" || (typeof v !== "boolean" && NUM.test(str(v)));
  }
  function equal(a, b) {
    if (typeof a === "boolean" || typeof b === "boolean") return bool(a) === bool(b);
    if (numeric(a) && numeric(b)) return num(a) === num(b);
    return str(a) === str(b);
  }
  function words(v) { return str(v).split(/\s+/).filter(Boolean); }
  function today() {
    var d = new Date(), p = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate());
  }
  function regex(t, p) { try { return new RegExp(p).test(t); } catch (e) { return false; } }
  function div(a, b) { return b === 0 && (a === 0 || isNaN(a)) ? NaN : a / b; }
  function mod(a, b) { return b === 0 || !isFinite(a) ? NaN : a % b; }
  var FN = {
    "selected": function (a, b) { return words(a).indexOf(str(b).trim()) >= 0; },
    "not": function (a) { return !bool(a); },
    "count-selected": function (a) { return words(a).length; },
    "string-length": function (a) { return Array.from(str(a)).length; },
    "concat": function () { return Array.prototype.map.call(arguments, str).join(""); },
    "coalesce": function (a, b) { return str(a) !== "" ? a : b; },
    "number": num,
    "int": function (a) { var n = num(a); return isFinite(n) ? Math.trunc(n) : n; },
    "string": str,
    "today": today,
    "regex": function (a, p) { return regex(str(a), str(p)); },
    "contains": function (a, b) { return str(a).indexOf(str(b)) >= 0; },
    "starts-with": function (a, b) { return str(a).startsWith(str(b)); },
    "ends-with": function (a, b) { return str(a).endsWith(str(b)); },
    "true": function () { return true; },
    "false": function () { return false; },
    "boolean": bool
  };
  var ORDER = {
    "<": function (a, b) { return a < b; }, "<=": function (a, b) { return a <= b; },
    ">": function (a, b) { return a > b; }, ">=": function (a, b) { return a >= b; }
  };
  var MATH = {
    "+": function (a, b) { return a + b; }, "-": function (a, b) { return a - b; },
    "*": function (a, b) { return a * b; }, "div": div, "mod": mod
  };

  function evaluate(n, answers, current, row) {
    var k = n[0], ev = function (x) { return evaluate(x, answers, current, row); };
    if (k === "lit") return n[1];
    if (k === "ref") { var v = answers[n[1]]; return v === undefined || v === null ? "" : v; }
    if (k === "cur") return current === undefined || current === null ? "" : current;
    if (k === "col") return str((row || {})[n[1]]);
    if (k === "neg") return -num(ev(n[1]));
    if (k === "fn") {
      if (n[1] === "if") return bool(ev(n[2])) ? ev(n[3]) : ev(n[4]);
      return FN[n[1]].apply(null, n.slice(2).map(ev));
    }
    if (k === "or") return bool(ev(n[1])) || bool(ev(n[2]));
    if (k === "and") return bool(ev(n[1])) && bool(ev(n[2]));
    var a = ev(n[1]), b = ev(n[2]);
    if (k === "=") return equal(a, b);
    if (k === "!=") return !equal(a, b);
    if (ORDER[k]) { var x = num(a), y = num(b); return !isNaN(x) && !isNaN(y) && ORDER[k](x, y); }
    return MATH[k](num(a), num(b));
  }

  function inputValue(form, name) {
    var els = form.querySelectorAll("[name='" + name + "']"), list = [], value = "", multi = false;
    Array.prototype.forEach.call(els, function (el) {
      if (el.disabled) return;
      if (el.type === "checkbox" || el.type === "radio") {
        multi = multi || el.type === "checkbox";
        if (el.checked) { list.push(el.value); value = el.value; }
      } else { value = el.value; }
    });
    return multi ? list : value;
  }
  function empty(v) { return v === "" || v === null || v === undefined || v.length === 0; }

  /* One pass over the page's question inputs ([data-q] boxes; hidden fields such as the
     CSRF token are not answers), repeated until no box changes (a hidden box empties). */
  function update(form, logic) {
    for (var pass = 0; pass < 10; pass++) {
      var answers = Object.assign({}, logic.values || {}), changed = false, name;
      form.querySelectorAll("[data-q] [name]").forEach(function (el) {
        var v = inputValue(form, el.name);
        if (!empty(v)) answers[el.name] = v;
      });
      for (name in logic.calculate || {}) answers[name] = str(evaluate(logic.calculate[name], answers));
      for (name in logic.relevant || {}) {
        var show = bool(evaluate(logic.relevant[name], answers, answers[name]));
        form.querySelectorAll("[data-q='" + name + "']").forEach(function (box) {
          if (box.hidden === show) {
            changed = true;
            box.hidden = !show;
            box.querySelectorAll("input,select,textarea").forEach(function (i) { i.disabled = !show; });
          }
        });
      }
      for (name in logic.choices || {}) changed = filterChoices(form, name, logic.choices[name], answers) || changed;
      if (!changed) return;
    }
  }

  /* A cascade on one page (county after state): each option of the list shows, and can
     be chosen, only while its row fits the filter; a chosen option that stops fitting is
     cleared. The server lists them all and checks the choice again on Next. */
  function filterChoices(form, name, spec, answers) {
    var changed = false;
    form.querySelectorAll("[data-q='" + name + "'] [name='" + name + "']").forEach(function (el) {
      var row = spec.rows[el.value], wrap = el.closest("label") || el;
      if (!row) return;
      var fits = !el.closest("[data-q]").hidden && bool(evaluate(spec.filter, answers, undefined, row));
      if (wrap.hidden === fits || el.disabled === fits) {
        changed = true;
        wrap.hidden = !fits;
        el.disabled = !fits;
        if (!fits) el.checked = false;
      }
    });
    return changed;
  }

  /* Wire the page's #form-logic data to its form. Pages swapped in without a reload
     (the worker pages, collect.js) call it again for the new page. */
  function start() {
    var data = document.getElementById("form-logic");
    if (!data) return;
    var logic = JSON.parse(data.textContent), form = data.closest("form") || document;
    var run = function () { update(form, logic); };
    form.addEventListener("input", run);
    form.addEventListener("change", run);
    run();
  }

  if (typeof module !== "undefined" && module.exports) {
    module.exports = { evaluate: evaluate, str: str, update: update, start: start };
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else { start(); }
})();
