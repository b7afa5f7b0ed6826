/* Live diff while drafting an amendment in the admin.
 *
 * Progressive enhancement: without this script the diff against the base version appears
 * after saving. With it, the text typed in an amendment's "text" box is posted (debounced)
 * to the admin's diff-preview endpoint, and the HTML it answers — the server's own diff,
 * escaped there — replaces the "proposed change" shown for that amendment. No framework,
 * no inline script (the site's Content-Security-Policy allows only scripts from 'self').
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var url = script && script.dataset.url;
  if (!url || !window.fetch || !window.FormData) {
    return;
  }
  var DELAY = 300; // ms after the last keystroke
  var timers = new WeakMap();
  var pending = new WeakMap();

  function field(row, name) {
    return row.querySelector("[name$='-" + name + "']");
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function target(row) {
    var shown = row.querySelector(".field-proposed_change .readonly");
    if (shown && !shown.hasAttribute("aria-live")) {
      shown.setAttribute("aria-live", "polite");
    }
    return shown;
  }

  function refresh(row) {
    var text = field(row, "text");
    var shown = target(row);
    if (!text || !shown || text.disabled) {
      return;
    }
    var data = new FormData();
    data.append("text", text.value);
    [["amendment", "id"], ["rule", "rule"], ["kind", "kind"]].forEach(function (pair) {
      var input = field(row, pair[1]);
      if (input && input.value && !input.disabled) {
        data.append(pair[0], input.value);
      }
    });
    var previous = pending.get(row);
    if (previous) {
      previous.abort();
    }
    var controller = new AbortController();
    pending.set(row, controller);
    shown.setAttribute("aria-busy", "true");
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
      signal: controller.signal,
    })
      .then(function (response) {
        return response.text().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (answer) {
        shown.removeAttribute("aria-busy");
        if (answer.ok) {
          shown.innerHTML = answer.body; // the server's escaped diff HTML
          shown.classList.remove("rb-live-diff-error");
        } else {
          shown.textContent = "The diff cannot be shown: " + answer.body;
          shown.classList.add("rb-live-diff-error");
        }
      })
      .catch(function (error) {
        if (error.name !== "AbortError") {
          shown.removeAttribute("aria-busy");
        }
      });
  }

  function schedule(event) {
    var row = event.target.closest(".inline-related");
    if (!row || !row.querySelector(".field-proposed_change")) {
      return;
    }
    clearTimeout(timers.get(row));
    timers.set(row, setTimeout(refresh, DELAY, row));
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches("textarea[name$='-text']")) {
      schedule(event);
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[name$='-kind'], select[name$='-rule']")) {
      schedule(event);
    }
  });
  // The rule is picked with select2, which announces its change through jQuery only.
  if (window.django && window.django.jQuery) {
    window.django.jQuery(document).on("change", "select[name$='-rule']", schedule);
  }
})();
