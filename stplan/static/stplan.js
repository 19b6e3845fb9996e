// The page behaviour that would otherwise be inline script, which the Content-Security-Policy
// forbids: the CSRF token on htmx requests, selects that submit their form, confirmations.
document.body.addEventListener("htmx:configRequest", function (event) {
  var token = document.querySelector('meta[name="csrf-token"]');
  if (token) event.detail.headers["X-CSRFToken"] = token.content;
});
document.addEventListener("change", function (event) {
  if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
});
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});

// == expert: the running total of a score form ==
// A form marked data-score-form sums its data-score-item inputs into its data-score-total
// element as they are typed; a value that is not a whole number within the input's range
// counts as nothing, as the server's total does.
document.addEventListener("input", function (event) {
  var form = event.target.closest && event.target.closest("form[data-score-form]");
  if (!form || !event.target.matches("[data-score-item]")) return;
  var total = 0;
  form.querySelectorAll("[data-score-item]").forEach(function (input) {
    var value = input.value.trim();
    if (!/^\d+$/.test(value)) return;
    var points = parseInt(value, 10);
    var max = input.max === "" ? Infinity : parseInt(input.max, 10);
    if (points <= max) total += points;
  });
  var shown = form.querySelector("[data-score-total]");
  if (shown) shown.textContent = String(total);
});

// == todo: select all rows of a list ==
// <input type="checkbox" data-select-all="NAME"> ticks every enabled checkbox named NAME.
document.addEventListener("change", function (event) {
  var all = event.target.closest("[data-select-all]");
  if (!all) return;
  document.querySelectorAll('input[type="checkbox"][name="' + all.dataset.selectAll + '"]').forEach(function (box) {
    if (!box.disabled) box.checked = all.checked;
  });
});

// == form: running totals and busy states ==
// data-sum-of="selector" on an element: it shows the sum of the whole numbers typed into the inputs the
// selector finds (within the nearest [data-budget] box), kept current while typing.
(function () {
  function amount(input) {
    var text = (input.value || "").replace(/[,\s]/g, "");
    return /^\d+$/.test(text) ? parseInt(text, 10) : 0;
  }
  function refresh(box) {
    box.querySelectorAll("[data-sum-of]").forEach(function (out) {
      var sum = 0;
      box.querySelectorAll(out.dataset.sumOf).forEach(function (input) { sum += amount(input); });
      out.textContent = sum.toLocaleString("en-US");
    });
  }
  document.addEventListener("input", function (event) {
    var box = event.target.closest && event.target.closest("[data-budget]");
    if (box) refresh(box);
  });
})();

// data-busy="text" on a link, a form or a submit button: while what it asked for is being
// made (a PDF, an upload), it shows the text and cannot be pressed again. A link's file is
// fetched here so the busy state lasts exactly until the download starts.
(function () {
  function busy(element, text) {
    if (element.getAttribute("aria-busy") === "true") return false;
    element.dataset.idleText = element.textContent;
    element.textContent = text;
    element.setAttribute("aria-busy", "true");
    element.classList.add("busy");
    return true;
  }
  function idle(element) {
    if (element.getAttribute("aria-busy") !== "true") return;
    element.textContent = element.dataset.idleText;
    element.removeAttribute("aria-busy");
    element.classList.remove("busy");
  }
  function filename(response, href) {
    var match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(response.headers.get("Content-Disposition") || "");
    return match ? decodeURIComponent(match[1]) : href.split("/").pop();
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-busy]");
    if (!link || event.defaultPrevented || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    if (!busy(link, link.dataset.busy)) return;
    fetch(link.href, { credentials: "same-origin" }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok || type.indexOf("text/html") === 0) {
        window.location.href = link.href;  // an error page or a login: show it as a page
        return;
      }
      return response.blob().then(function (blob) {
        var save = document.createElement("a");
        save.href = URL.createObjectURL(blob);
        save.download = filename(response, link.href);
        document.body.appendChild(save);
        save.click();
        save.remove();
        setTimeout(function () { URL.revokeObjectURL(save.href); }, 60000);
        idle(link);
      });
    }).catch(function () {
      idle(link);
      window.location.href = link.href;
    });
  });
  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) return;
    var button = event.submitter;
    var target = button && button.dataset.busy ? button : event.target.dataset.busy ? event.target : null;
    if (target && !busy(target, target.dataset.busy)) event.preventDefault();
  });
  // Back to a page kept in the browser's cache: nothing is being made any more.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("[data-busy][aria-busy=true]").forEach(idle);
  });
})();

// data-no-autosave on a box inside an autosaving form: choosing files or a kind there is not
// an edit of the 申报书, and must not start an autosave racing the upload that follows.
document.querySelectorAll("[data-no-autosave]").forEach(function (box) {
  ["change", "input"].forEach(function (type) {
    box.addEventListener(type, function (event) { event.stopPropagation(); });
  });
});
