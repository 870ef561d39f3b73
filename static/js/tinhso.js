// Behaviour every page shares, attached from here rather than inline handlers: the
// Content-Security-Policy runs no inline script.
(function () {
  "use strict";
  // <select data-autosubmit>: choosing an option submits its form (a <noscript> button does
  // the same without JavaScript).
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });
  // <form data-confirm="question">: asks before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm") && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);
})();
