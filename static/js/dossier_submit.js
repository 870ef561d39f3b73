// The online filing form: one click sends it once (the hidden key makes a resend harmless
// anyway), and after a refused submission the focus goes to the first invalid field.
(function () {
  "use strict";
  document.querySelectorAll("form[data-testid=submit-form]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
    });
  });
  var errors = document.getElementById("form-errors");
  if (errors) { var bad = document.querySelector(".is-invalid"); (bad || errors).focus(); }
})();
