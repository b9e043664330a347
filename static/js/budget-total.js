/* Adds up the budget lines as they are typed and compares them with the award. The
   server computes and checks the total itself; this is only a running sum. */
(function () {
  "use strict";

  var table = document.querySelector("[data-budget]");
  if (!table) {
    return;
  }
  var award = Math.round(parseFloat(table.getAttribute("data-award")) * 100);
  var output = table.querySelector("[data-budget-total]");
  var format = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

  function cents(text) {
    var cleaned = text.replace(/[$,\s]/g, "");
    if (!/^\d+(\.\d{0,2})?$/.test(cleaned)) {
      return null;
    }
    var parts = cleaned.split(".");
    return parseInt(parts[0], 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
  }

  function update() {
    var total = 0;
    var unreadable = false;
    table.querySelectorAll("[data-budget-amount]").forEach(function (input) {
      if (input.value.trim() === "") {
        return;
      }
      var value = cents(input.value);
      if (value === null) {
        unreadable = true;
      } else {
        total += value;
      }
    });
    var text = format.format(total / 100);
    if (unreadable) {
      text += " (some amounts are not numbers)";
    } else if (total === award) {
      text += ", equal to the award";
    } else if (total < award) {
      text += ", " + format.format((award - total) / 100) + " less than the award";
    } else {
      text += ", " + format.format((total - award) / 100) + " more than the award";
    }
    output.textContent = text;
  }

  table.addEventListener("input", update);
  update();
})();
