/* The forms of the minutes, a little kinder where scripts run (CSP: no inline script).
 *
 * 1. Character counters: <textarea data-max-length="N" data-counter="… %(count)s … %(limit)s …"
 *    data-counter-over="… %(over)s …">. The limit is the model's; the server refuses a text
 *    over it, so the counter only tells in time.
 * 2. The decision form: the transition dropdown follows the chosen innovation's phase. Each
 *    innovation option has data-phase / data-phase-label; each transition option data-from
 *    (the phases it is possible from), data-label and data-unavailable-label; the dropdown's
 *    data-note-template says which are possible ({phase}, {names}).
 * No framework; without this file the server renders the same state for the chosen innovation.
 */
(function () {
  "use strict";
  var lang = document.documentElement.lang || "da";

  function number(n) { return Number(n).toLocaleString(lang); }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  function setUpCounter(area) {
    var limit = parseInt(area.getAttribute("data-max-length"), 10);
    if (!limit) { return; }
    var counter = document.createElement("p");
    counter.className = "counter";
    counter.id = area.id + "_counter";
    counter.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", counter);
    var described = (area.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    described.push(counter.id);
    area.setAttribute("aria-describedby", described.join(" "));
    function update() {
      var count = area.value.length;
      var over = count - limit;
      counter.classList.toggle("over", over > 0);
      counter.textContent = over > 0
        ? fill(area.getAttribute("data-counter-over"), {over: number(over), limit: number(limit)})
        : fill(area.getAttribute("data-counter"), {count: number(count), limit: number(limit)});
    }
    area.addEventListener("input", update);
    update();
  }

  function setUpTransitions(innovationSelect) {
    var form = innovationSelect.form;
    var transitions = form && form.querySelector("select[data-note-template]");
    if (!transitions) { return; }
    var note = document.getElementById(transitions.id + "_help");
    function update() {
      var chosen = innovationSelect.options[innovationSelect.selectedIndex];
      var phase = chosen ? chosen.getAttribute("data-phase") : "";
      var names = [];
      Array.prototype.forEach.call(transitions.options, function (option) {
        var from = option.getAttribute("data-from");
        if (from === null) { return; }
        var possible = !phase || from.split(" ").indexOf(phase) >= 0;
        option.disabled = !possible;
        option.textContent = possible ? option.getAttribute("data-label")
                                      : option.getAttribute("data-unavailable-label");
        if (possible && phase) { names.push(option.getAttribute("data-label")); }
      });
      if (transitions.selectedOptions.length && transitions.selectedOptions[0].disabled) {
        transitions.value = "";
      }
      if (note && phase) {
        note.textContent = transitions.getAttribute("data-note-template")
          .replace("{phase}", chosen.getAttribute("data-phase-label"))
          .replace("{names}", names.join(", ") || "–");
      }
    }
    innovationSelect.addEventListener("change", update);
    update();
  }

  document.querySelectorAll("textarea[data-max-length]").forEach(setUpCounter);
  document.querySelectorAll("select").forEach(function (select) {
    if (select.querySelector("option[data-phase]")) { setUpTransitions(select); }
  });
})();
