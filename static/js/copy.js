/* Copy buttons: <button data-copy="ID-of-input" data-copied="text to announce">. No framework. */
(function () {
  "use strict";
  function announce(button, text) {
    var status = document.getElementById(button.getAttribute("data-status"));
    if (status) { status.textContent = text; }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-copy]") : null;
    if (!button) { return; }
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    var done = function () { announce(button, button.getAttribute("data-copied") || ""); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {
        field.select();
        document.execCommand("copy");
        done();
      });
    } else {
      field.select();
      document.execCommand("copy");
      done();
    }
  });
  document.querySelectorAll("button[data-copy][hidden]").forEach(function (button) {
    button.hidden = false;  /* shown only where the script runs */
  });
})();
