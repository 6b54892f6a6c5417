/* The interpreter's live counts: poll the counts endpoint every few seconds, no reload.
   Counts only; the endpoint never returns any answer. */
(function () {
  var box = document.querySelector("[data-counts]");
  if (!box) return;
  function apply(row, data) {
    ["started", "completed", "status"].forEach(function (key) {
      var cell = row.querySelector("[data-count='" + key + "']");
      if (cell && String(cell.textContent) !== String(data[key])) cell.textContent = data[key];
    });
  }
  function poll() {
    fetch(box.getAttribute("data-counts"), { cache: "no-store", credentials: "same-origin" })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (data) {
        if (!data) return;
        if (Array.isArray(data)) {
          data.forEach(function (item) {
            var row = box.querySelector("[data-session='" + item.id + "']");
            if (row) apply(row, item);
          });
        } else { apply(box, data); }
      }, function () { /* the station is on this laptop; try again next time */ })
      .then(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 3000);
})();
