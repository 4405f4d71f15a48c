// Tadrib pages: saved as you go. Every htmx save of a form marked data-keyed carries an
// Idempotency-Key: the same key while the same values are being sent, a new one when they change.
// A save the network dropped (or a busy server turned away) is sent again with the same key and
// the same bytes, so it takes effect once; until the server has it, the row says it is not saved.
// No inline script anywhere: the page's texts come from data attributes on <body>.
(function () {
  "use strict";

  var pending = new WeakMap(); // form -> {body, key, tries}

  function newKey() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var bytes = crypto.getRandomValues(new Uint8Array(16)); // pages served over plain HTTP on a LAN
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function keyedForm(element) {
    return element && element.closest ? element.closest("form[data-keyed]") : null;
  }

  function say(form, name) {
    var row = form.closest("li.participant");
    if (!row) {
      return;
    }
    row.classList.add("unsaved");
    var state = row.querySelector(".state");
    if (state) {
      state.textContent = document.body.getAttribute("data-" + name) || "";
    }
  }

  document.addEventListener("change", function (event) {
    var form = keyedForm(event.target);
    if (form) {
      say(form, "unsaved");
    }
  });

  document.addEventListener("htmx:configRequest", function (event) {
    var form = keyedForm(event.detail.elt);
    if (!form) {
      return;
    }
    var body = new URLSearchParams(event.detail.formData).toString();
    var sending = pending.get(form);
    if (!sending || sending.body !== body) {
      sending = { body: body, key: newKey(), tries: 0 };
      pending.set(form, sending);
    }
    event.detail.headers["Idempotency-Key"] = "\"" + sending.key + "\"";
  });

  function retry(form) {
    var sending = pending.get(form);
    if (!sending) {
      return;
    }
    sending.tries += 1;
    say(form, "retrying");
    var delay = Math.min(30000, 500 * Math.pow(2, Math.min(sending.tries, 6)));
    window.setTimeout(function () {
      if (document.body.contains(form)) {
        window.htmx.trigger(form, "retry");
      }
    }, delay);
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = keyedForm(event.detail.elt);
    if (!form) {
      return;
    }
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if ((status >= 200 && status < 300) || status === 422) {
      pending.delete(form); // stored, or refused with the reason shown in the row
    } else if (status === 0 || status === 409 || status === 429 || status >= 500) {
      retry(form); // the network dropped, or the server asked to come back
    } else {
      say(form, "failed"); // signed out, or the form expired: reloading shows why
    }
  });
})();

// The coordinator's desk (web/templates/coordinator/module.html): its forms answer the whole page;
// htmx swaps the part marked data-refusals-shown, also when the answer is a refusal explained on the
// page (409 conflict, 412 changed by someone else since), then brings the notice into view and focus.
(function () {
  "use strict";

  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var elt = event.detail.elt;
    if ((status === 409 || status === 412) && elt && elt.closest && elt.closest("[data-refusals-shown]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail.elt;
    if (!root || !root.matches || !root.matches("[data-refusals-shown]")) {
      return;
    }
    var notice = root.querySelector(".notice-box[data-focus]");
    if (notice) {
      notice.focus();
    }
  });
})();
