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

// == todo: select all rows of a list; a busy note while an export or PDF is made ==
// <input type="checkbox" data-select-all="NAME"> ticks every enabled checkbox named NAME.
document.addEventListener("change", function (event) {
  var all = event.target.closest("[data-select-all]");
  if (!all) return;
  document.querySelectorAll('input[type="checkbox"][name="' + all.dataset.selectAll + '"]').forEach(function (box) {
    if (!box.disabled) box.checked = all.checked;
  });
});
// data-busy="正在……" on a link or button: the text shows beside it until the page changes
// (a download leaves the page, so the note goes after a while).
document.addEventListener("click", function (event) {
  var element = event.target.closest("[data-busy]");
  if (!element || event.defaultPrevented) return;
  var next = element.nextElementSibling;
  if (next && next.classList.contains("busy-note")) return;
  var note = document.createElement("span");
  note.className = "busy-note";
  note.setAttribute("role", "status");
  note.textContent = element.dataset.busy;
  element.setAttribute("aria-busy", "true");
  element.insertAdjacentElement("afterend", note);
  window.setTimeout(function () {
    note.remove();
    element.removeAttribute("aria-busy");
  }, 15000);
});
