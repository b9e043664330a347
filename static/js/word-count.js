/* A live word count under each textarea that has a word limit (data-word-limit). The
   server checks the limit too; this only helps people see it while typing. */
(function () {
  "use strict";

  function words(text) {
    var trimmed = text.trim();
    return trimmed ? trimmed.split(/\s+/).length : 0;
  }

  document.querySelectorAll("textarea[data-word-limit]").forEach(function (area) {
    var limit = parseInt(area.getAttribute("data-word-limit"), 10);
    var counter = document.createElement("p");
    counter.className = "usa-hint pg-word-count";
    counter.setAttribute("aria-live", "polite");
    counter.id = area.id + "_count";
    area.insertAdjacentElement("afterend", counter);
    var described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);

    function update() {
      var count = words(area.value);
      counter.textContent = count + " of " + limit + " words";
      counter.classList.toggle("text-secondary-dark", count > limit);
    }

    area.addEventListener("input", update);
    update();
  });
})();
