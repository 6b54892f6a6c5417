/* Show and hide questions as answers change. Pure data: reads the relevance ASTs from
   <script type="application/json" id="form-logic">, never evals. The page works without it:
   the server decides again on submit. Semantics mirror survey_app/xlsform/expressions.py. */
(function () {
  "use strict";
  var NUM = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/, DATE = /^\d{4}-\d{2}-\d{2}$/,
    DATETIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?$/;

  /* A question's values in several repeat instances (xlsform/values.py Nodes). */
  function Nodes(a) { this.v = a; }
  function nodes(v) { return v instanceof Nodes ? v.v : [v]; }
  function str(v) {
    if (v === null || v === undefined) return "";
    if (v instanceof Nodes) return v.v.length ? str(v.v[0]) : "";
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
    if (v instanceof Nodes) return v.v.length ? num(v.v[0]) : NaN;
    var t = str(v).trim();
    if (NUM.test(t)) return parseFloat(t);
    if (DATE.test(t)) return days(t);
    var m = DATETIME.exec(t);
    if (!m) return NaN;
    var h = +m[2], mi = +m[3], s = parseFloat((m[4] || "0") + (m[5] || ""));
    return h > 23 || mi > 59 || s >= 60 ? NaN : days(m[1]) + (h * 3600 + mi * 60 + s) / 86400;
  }
  function bool(v) {
    if (typeof v === "boolean") return v;
    if (v instanceof Nodes) return v.v.length > 0;
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
  /* xlsform/functions.py, mirrored: see there for what each function does. */
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  function pad(n, w) { var t = String(n); while (t.length < w) t = "0" + t; return t; }
  function args(a) { return Array.prototype.slice.call(a); }
  function math1(f) { return function (a) { return f(num(a)); }; }
  function pow(a, b) { return Math.pow(num(a), num(b)); }
  function round(v, d) {
    var n = num(v), p = d === undefined ? 0 : num(d);
    if (!isFinite(n) || !isFinite(p)) return isFinite(p) ? n : NaN;
    var scale = Math.pow(10, Math.trunc(p));
    return Math.floor(n * scale + 0.5) / scale;
  }
  function whole(f) { return function (a) { var n = num(a); return isFinite(n) ? f(n) : n; }; }
  function extreme(pick) {
    return function () {
      var ns = args(arguments).map(num);
      if (!ns.length || ns.some(isNaN)) return NaN;
      return ns.reduce(function (a, b) { return pick(a, b) ? a : b; });
    };
  }
  function position(v) { var n = num(v); return isFinite(n) ? Math.trunc(n) : 0; }
  function substr(t, a, b) {
    var cs = Array.from(str(t)), first = Math.max(0, position(a));
    var last = b === undefined ? cs.length : Math.max(0, position(b));
    return cs.slice(first, last).join("");
  }
  function substring(t, a, l) {
    var first = round(a), last = l === undefined ? Infinity : first + round(l);
    if (isNaN(first) || isNaN(last)) return "";
    return Array.from(str(t)).filter(function (c, i) { return first <= i + 1 && i + 1 < last; }).join("");
  }
  function translate(t, from, to) {
    var map = {}, target = Array.from(str(to));
    Array.from(str(from)).forEach(function (c, i) {
      if (!(c in map)) map[c] = i < target.length ? target[i] : "";
    });
    return Array.from(str(t)).map(function (c) { return c in map ? map[c] : c; }).join("");
  }
  function selectedAt(items, i) {
    var ws = words(items), at = num(i);
    if (!isFinite(at) || !(Math.trunc(at) >= 0 && Math.trunc(at) < ws.length)) return "";
    return ws[Math.trunc(at)];
  }
  /* The moment d days after 1970-01-01, to the nearest second (half up), or null. */
  function dateOf(d) {
    if (!isFinite(d) || Math.abs(d) > 3e6) return null;
    var secs = Math.floor(d * 86400 + 0.5), whole = Math.floor(secs / 86400);
    if (whole < -719162 || whole > 2932896) return null;
    return new Date(whole * 864e5 + (secs - whole * 86400) * 1000);
  }
  function isoDate(m) {
    return pad(m.getUTCFullYear(), 4) + "-" + pad(m.getUTCMonth() + 1, 2) + "-" + pad(m.getUTCDate(), 2);
  }
  function toDate(v) {
    var t = str(v).trim();
    if (DATE.test(t)) return isNaN(num(t)) ? "" : t;
    var m = dateOf(Math.floor(num(v)));
    return m ? isoDate(m) : "";
  }
  function toDateTime(v) {
    var m = dateOf(num(v));
    if (!m) return "";
    return isoDate(m) + "T" + pad(m.getUTCHours(), 2) + ":" + pad(m.getUTCMinutes(), 2) + ":" +
      pad(m.getUTCSeconds(), 2);
  }
  function format(v, pattern) {
    var m = dateOf(num(v));
    if (!m) return "";
    var y = m.getUTCFullYear(), mo = m.getUTCMonth(), d = m.getUTCDate(), h = m.getUTCHours();
    var codes = {
      Y: pad(y, 4), y: pad(y % 100, 2), m: pad(mo + 1, 2), n: String(mo + 1), b: MONTHS[mo],
      d: pad(d, 2), e: String(d), a: WEEKDAYS[(m.getUTCDay() + 6) % 7], H: pad(h, 2),
      h: String(h), M: pad(m.getUTCMinutes(), 2), S: pad(m.getUTCSeconds(), 2), "3": "000"
    };
    return str(pattern).replace(/%(.)/g, function (all, c) {
      return Object.prototype.hasOwnProperty.call(codes, c) ? codes[c] : all;
    });
  }
  function uuid() {
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
      var r = Math.floor(Math.random() * 16);
      return (c === "x" ? r : (r & 3) | 8).toString(16);
    });
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
    "boolean": bool,
    "jr:choice-name": function (v, labels) {
      var k = str(v);
      return labels && typeof labels === "object" && Object.prototype.hasOwnProperty.call(labels, k) ? labels[k] : k;
    },
    "round": round, "floor": whole(Math.floor), "ceiling": whole(Math.ceil),
    "abs": math1(Math.abs), "pow": pow, "sqrt": math1(Math.sqrt), "exp": math1(Math.exp),
    "exp10": function (a) { return Math.pow(10, num(a)); }, "log": math1(Math.log),
    "log10": math1(Math.log10), "sin": math1(Math.sin), "cos": math1(Math.cos),
    "tan": math1(Math.tan), "asin": math1(Math.asin), "acos": math1(Math.acos),
    "atan": math1(Math.atan), "atan2": function (a, b) { return Math.atan2(num(a), num(b)); },
    "pi": function () { return Math.PI; },
    "min": extreme(function (a, b) { return a <= b; }),
    "max": extreme(function (a, b) { return a >= b; }),
    "substr": substr, "substring": substring,
    "normalize-space": function (a) { return str(a).replace(/[ \t\r\n]+/g, " ").replace(/^ | $/g, ""); },
    "translate": translate,
    "join": function (sep) { return args(arguments).slice(1).map(str).join(str(sep)); },
    "selected-at": selectedAt,
    "boolean-from-string": function (a) { return str(a) === "true" || str(a) === "1"; },
    "now": today, "date": toDate, "date-time": toDateTime, "decimal-date-time": num,
    "format-date": format, "format-date-time": format,
    "once": function (a) { return a; }, "random": Math.random, "uuid": uuid,
    "property": function () { return ""; }, "version": function () { return ""; },
    "pulldata": function (table) {
      var k = arguments.length > 1 ? str(arguments[arguments.length - 1]) : null;
      return table && typeof table === "object" && k !== null &&
        Object.prototype.hasOwnProperty.call(table, k) ? table[k] : "";
    }
  };
  var ORDER = {
    "<": function (a, b) { return a < b; }, "<=": function (a, b) { return a <= b; },
    ">": function (a, b) { return a > b; }, ">=": function (a, b) { return a >= b; }
  };
  var MATH = {
    "+": function (a, b) { return a + b; }, "-": function (a, b) { return a - b; },
    "*": function (a, b) { return a * b; }, "div": div, "mod": mod
  };

  /* Where an expression in a repeat instance reads its values: xlsform/scope.py. */
  function Scope(t, p, c, r) { this.t = t; this.p = p; this.c = c; this.r = r; }
  function inst(node, r) {
    var l = node[r];
    return Array.isArray(l) ? l.map(function (e) { return e && typeof e === "object" && !Array.isArray(e) ? e : {}; }) : [];
  }
  function at(node, r, i) { var l = inst(node, r); return i > 0 && i <= l.length ? l[i - 1] : {}; }
  function flat(ls) { return [].concat.apply([], ls); }
  Scope.prototype.get = function (name) {
    var chain = this.c[name] || [], node = this.t, k = 0, rep = this.r.indexOf(name) >= 0, ns;
    while (k < chain.length && k < this.p.length && this.p[k][0] === chain[k]) node = at(node, chain[k], this.p[k++][1]);
    if (k === chain.length) return rep ? new Nodes(inst(node, name)) : node[name];
    ns = [node];
    chain.slice(k).forEach(function (r) { ns = flat(ns.map(function (n) { return inst(n, r); })); });
    if (rep) return new Nodes(flat(ns.map(function (n) { return inst(n, name); })));
    return new Nodes(ns.map(function (n) { return n[name]; }).filter(function (v) { return !empty(v); }));
  };
  Scope.prototype.pos = function (r) {
    for (var i = this.p.length - 1; i >= 0; i--) if (r === null || this.p[i][0] === r) return this.p[i][1];
    return 1;
  };
  Scope.prototype.idx = function (name, nums) {
    var here = {}, path = [], bad = false;
    this.p.forEach(function (x) { here[x[0]] = x[1]; });
    (this.c[name] || []).forEach(function (r) {
      var n = r in nums ? num(nums[r]) : r in here ? here[r] : 1;
      if (!isFinite(n) || n < 1) bad = true;
      path.push([r, Math.trunc(n)]);
    });
    var v = bad ? "" : new Scope(this.t, path, this.c, this.r).get(name);
    return v === undefined || v === null ? "" : v;
  };
  function count(ev, a, nonEmpty) {
    var v = ev(a[0]);
    return v instanceof Nodes ? v.v.length : !nonEmpty || str(v) !== "" ? 1 : 0;
  }
  var IN = {
    "position": function (a, ev, s) { return s instanceof Scope ? s.pos(a.length && a[0][0] === "ref" ? a[0][1] : null) : 1; },
    "indexed-repeat": function (a, ev, s) {
      if (!(s instanceof Scope)) return ev(a[0]);
      var nums = {};
      for (var i = 1; i < a.length; i += 2) nums[a[i][1]] = ev(a[i + 1]);
      return s.idx(a[0][1], nums);
    },
    "sum": function (a, ev) { return nodes(ev(a[0])).reduce(function (t, v) { return t + num(v); }, 0); },
    "count": function (a, ev) { return count(ev, a, false); },
    "count-non-empty": function (a, ev) { return count(ev, a, true); }
  }, OVER = { "max": 1, "min": 1, "join": 1 };

  function evaluate(n, answers, current, row) {
    var k = n[0], ev = function (x) { return evaluate(x, answers, current, row); };
    if (k === "lit") return n[1];
    if (k === "ref") {
      var v = answers instanceof Scope ? answers.get(n[1]) : answers[n[1]];
      return v === undefined || v === null ? "" : v;
    }
    if (k === "cur") return current === undefined || current === null ? "" : current;
    if (k === "col") return str((row || {})[n[1]]);
    if (k === "neg") return -num(ev(n[1]));
    if (k === "fn") {
      if (n[1] === "if") return bool(ev(n[2])) ? ev(n[3]) : ev(n[4]);
      if (IN[n[1]]) return IN[n[1]](n.slice(2), ev, answers);
      var vs = n.slice(2).map(ev);
      return FN[n[1]].apply(null, OVER[n[1]] ? flat(vs.map(nodes)) : vs);
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
    var places = [];  /* a rank question: one <select> per place, read as the server's text */
    Array.prototype.forEach.call(els, function (el) {
      if (el.disabled) return;
      if (el.type === "checkbox" || el.type === "radio") {
        multi = multi || el.type === "checkbox";
        if (el.checked) { list.push(el.value); value = el.value; }
      } else if (el.tagName === "SELECT" && els.length > 1) { places.push(el.value); }
      else { value = el.value; }
    });
    if (places.length) return places.some(function (p) { return p; }) ? places.join(" ") : "";
    return multi ? list : value;
  }
  function empty(v) { return v === "" || v === null || v === undefined || v.length === 0; }

  /* One pass over the page's question inputs ([data-q] boxes; hidden fields such as the
     CSRF token are not answers), repeated until no box changes (a hidden box empties). */
  function update(form, logic) {
    for (var pass = 0; pass < 10; pass++) {
      var answers = Object.assign({}, logic.values || {}), changed = false, name, sc = logic.scope, ctx;
      form.querySelectorAll("[data-q] [name]").forEach(function (el) {
        var v = inputValue(form, el.name);
        if (!empty(v)) answers[el.name] = v;
      });
      ctx = answers;
      if (sc) { /* a repeat instance's page: its answers go into its place in the tree */
        var tree = JSON.parse(JSON.stringify(sc.tree)), own = tree;
        sc.path.forEach(function (x) {
          var l = Array.isArray(own[x[0]]) ? own[x[0]] : own[x[0]] = [];
          while (l.length < x[1]) l.push({});
          own = l[x[1] - 1];
        });
        answers = Object.assign(own, answers);
        ctx = new Scope(tree, sc.path, sc.chains, sc.repeats);
      }
      for (name in logic.calculate || {}) answers[name] = str(evaluate(logic.calculate[name], ctx));
      for (name in logic.relevant || {}) {
        var show = bool(evaluate(logic.relevant[name], ctx, answers[name]));
        form.querySelectorAll("[data-q='" + name + "']").forEach(function (box) {
          if (box.hidden === show) {
            changed = true;
            box.hidden = !show;
            box.querySelectorAll("input,select,textarea").forEach(function (i) { i.disabled = !show; });
          }
        });
      }
      for (name in logic.choices || {}) changed = filterChoices(form, name, logic.choices[name], ctx) || changed;
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
    module.exports = { evaluate: evaluate, str: str, update: update, start: start, Scope: Scope };
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else { start(); }
})();
