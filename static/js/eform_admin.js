/* The e-form editor: "Thêm trường" copies the last row, empty, with the next row number. The
   editor works without this script (it always shows two empty rows). No inline code: CSP. */
(function () {
  "use strict";
  function renumber(row, index) {
    row.querySelectorAll("[name]").forEach(function (input) {
      input.name = input.name.replace(/-\d+-(\w+)$/, "-" + index + "-$1");
      if (input.type === "checkbox") { input.checked = false; }
      else if (input.tagName === "SELECT") { input.selectedIndex = 0; }
      else { input.value = ""; }
    });
    var number = row.querySelector(".eform-number");
    if (number && number.firstChild) { number.firstChild.nodeValue = String(index + 1); }
  }
  document.querySelectorAll("[data-eform-editor]").forEach(function (editor) {
    var add = editor.querySelector("[data-eform-add]");
    var total = editor.querySelector("[data-eform-total]");
    var rows = editor.querySelector("[data-eform-rows]");
    if (!add || !total || !rows) { return; }
    add.hidden = false;
    add.addEventListener("click", function () {
      var last = rows.querySelector("[data-eform-row]:last-child");
      if (!last) { return; }
      var index = parseInt(total.value, 10) || 0;
      var copy = last.cloneNode(true);
      renumber(copy, index);
      rows.appendChild(copy);
      total.value = String(index + 1);
      var first = copy.querySelector("input[type=text]");
      if (first) { first.focus(); }
    });
  });
}());
