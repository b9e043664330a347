/* Searchable checkbox list. Enhances a plain list of checkboxes (which works without
   JavaScript) inside [data-checklist]: a search box filters the options, a toggle shows
   only the chosen ones, and a live status names how many are chosen. */
(function () {
  "use strict";

  function normalize(text) {
    return text.toLowerCase().replace(/\s+school\s+district$/, "").replace(/\s+/g, " ").trim();
  }

  function enhance(root) {
    var tools = root.querySelector("[data-checklist-tools]");
    var search = root.querySelector("[data-checklist-search]");
    var chosenOnly = root.querySelector("[data-checklist-chosen-only]");
    var status = root.querySelector("[data-checklist-status]");
    var items = Array.prototype.slice.call(root.querySelectorAll("[data-checklist-item]"));
    var entries = items.map(function (item) {
      return {
        item: item,
        box: item.querySelector("input[type=checkbox]"),
        text: normalize(item.textContent),
      };
    });

    function update() {
      var query = normalize(search.value);
      var shown = 0;
      var chosen = [];
      entries.forEach(function (entry) {
        if (entry.box.checked) {
          chosen.push(entry.item.textContent.trim());
        }
        var visible =
          (!query || entry.text.indexOf(query) !== -1) && (!chosenOnly.checked || entry.box.checked);
        entry.item.hidden = !visible;
        if (visible) {
          shown += 1;
        }
      });
      var summary = chosen.length === 0 ? "None chosen yet." : chosen.length + " chosen: " + chosen.join(", ") + ".";
      if (query || chosenOnly.checked) {
        summary += " Showing " + shown + " of " + entries.length + ".";
      }
      status.textContent = summary;
    }

    tools.hidden = false;
    root.classList.add("pg-checklist--enhanced");
    search.addEventListener("input", update);
    chosenOnly.addEventListener("change", update);
    root.addEventListener("change", function (event) {
      if (event.target !== chosenOnly) {
        update();
      }
    });
    search.addEventListener("keydown", function (event) {
      // Enter in the search box filters; it must not submit the step.
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
    update();
  }

  document.querySelectorAll("[data-checklist]").forEach(enhance);
})();
