// The explorer works without JavaScript; this file only tidies URLs and small screens.
// It loads first, in <head>, so it also records any script error or failed resource on
// the page into the DOM (html[data-js-errors] and #js-errors), where a reader, and the
// headless-browser tests reading --dump-dom, can see it.
(function () {
  "use strict";
  var errors = [];
  function record(message) {
    errors.push(String(message));
    document.documentElement.setAttribute("data-js-errors", String(errors.length));
    var list = document.getElementById("js-errors");
    if (list) {
      var item = document.createElement("li");
      item.textContent = String(message);
      list.appendChild(item);
    }
  }
  window.addEventListener("error", function (event) {
    var target = event.target;
    if (target && target !== window && (target.src || target.href)) {
      record("failed to load " + (target.src || target.href));
    } else {
      record(event.message || "script error");
    }
  }, true);
  window.addEventListener("unhandledrejection", function (event) {
    record("unhandled rejection: " + event.reason);
  });
  var consoleError = console.error;
  console.error = function () {
    record("console.error: " + Array.prototype.join.call(arguments, " "));
    return consoleError.apply(console, arguments);
  };

  document.addEventListener("DOMContentLoaded", function () {
    var list = document.createElement("ol");
    list.id = "js-errors";
    list.hidden = true;
    errors.forEach(function (message) {
      var item = document.createElement("li");
      item.textContent = message;
      list.appendChild(item);
    });
    document.body.appendChild(list);
    document.documentElement.setAttribute("data-js-ready", "true");

    // A GET form sends its empty fields too; leaving them out keeps shared URLs short.
    document.querySelectorAll("form[method=get]").forEach(function (form) {
      form.addEventListener("submit", function () {
        form.querySelectorAll("input, select").forEach(function (field) {
          if (field.value === "" && field.name) field.disabled = true;
        });
      });
    });

    // On a phone the filters and facets start folded unless one is in use, so the table
    // is on the first screen.
    if (window.matchMedia("(max-width: 760px)").matches) {
      document.querySelectorAll("details.filters, details.facet").forEach(function (box) {
        var inUse = box.querySelector("a.active") || Array.prototype.some.call(
          box.querySelectorAll("input, select"),
          function (f) { return f.type === "checkbox" ? f.checked : f.value !== ""; }
        );
        if (!inUse) box.open = false;
      });
    }
  });
})();
