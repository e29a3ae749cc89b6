// Kept (cached) pages show absolute dates, which never go stale: <time datetime="..." data-relative>.
// Here the browser rewords the recent ones ("3 hours ago"), as yumroad/templating.py's relative_time
// does on pages made for one visitor, and keeps the date in the title.
(function () {
  "use strict";
  var units = [["day", 86400], ["hour", 3600], ["minute", 60]];
  var limit = 7 * 86400;

  function relative(seconds) {
    for (var index = 0; index < units.length; index++) {
      var count = Math.floor(seconds / units[index][1]);
      if (count >= 1) {
        if (units[index][0] === "day" && count === 1) {
          return "yesterday";
        }
        return count + " " + units[index][0] + (count === 1 ? "" : "s") + " ago";
      }
    }
    return "just now";
  }

  document.querySelectorAll("time[data-relative]").forEach(function (element) {
    var seconds = (Date.now() - Date.parse(element.getAttribute("datetime"))) / 1000;
    if (isNaN(seconds) || seconds < 0 || seconds >= limit) {
      return;
    }
    element.title = element.textContent;
    element.textContent = relative(seconds);
  });
})();
