// Forms, enhanced. Without JavaScript they still work: the browser checks the constraint attributes
// (required, maxlength, min, pattern, accept) that the WTForms validators render, and the server's
// messages, shown next to each field, have the last word.
//
// With it:
// - the browser's checks show as inline messages under each field (not bubbles), when a field is
//   left with a value it cannot have and when the form is sent, wired to the field with aria-invalid
//   and aria-describedby as the server's are (templates/_macros.html);
// - a form with data-disable-on-submit="Paying…" disables its submit buttons once sent and says so
//   on them, so a double click does not post twice. Another script that stops the sending (the
//   upload progress) gives the form back by dispatching "yumroad:released" on it.
(function () {
  "use strict";

  // One message per field; per group for radio buttons (WTForms names the group as its id).
  function messageId(field) {
    return (field.type === "radio" ? field.name : field.id) + "-error";
  }

  function messageBox(field) {
    var id = messageId(field);
    var box = document.getElementById(id);
    if (!box) {
      box = document.createElement("div");
      box.id = id;
      box.className = "invalid-feedback d-block";
      box.dataset.client = "";
      var group = field.type === "radio" && field.closest("fieldset");
      if (group) {
        group.appendChild(box);
      } else {
        (field.closest(".form-check") || field).insertAdjacentElement("afterend", box);
      }
    }
    return box;
  }

  // A radio button speaks for its whole group: they share one message and one state.
  function membersOf(field) {
    if (field.type !== "radio" || !field.form) {
      return [field];
    }
    return field.form.querySelectorAll('input[type=radio][name="' + field.name + '"]');
  }

  function showMessage(field) {
    if (!field.id) {
      return;
    }
    var box = messageBox(field);
    // Our own words where the field carries them (a price's pattern), else the browser's.
    box.textContent = (field.validity.patternMismatch && field.dataset.patternMessage) || field.validationMessage;
    box.dataset.client = ""; // the browser's now, even if the server wrote it: cleared once fixed
    membersOf(field).forEach(function (member) {
      member.setAttribute("aria-invalid", "true");
      member.classList.add("is-invalid");
      var described = (member.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (described.indexOf(box.id) === -1) {
        member.setAttribute("aria-describedby", [box.id].concat(described).join(" "));
      }
    });
  }

  function clearMessage(field) {
    var box = document.getElementById(messageId(field));
    if (!box || !("client" in box.dataset) || !field.validity.valid) {
      return; // a message from the server stays until the form is sent again, or the field is edited
    }
    box.remove();
    membersOf(field).forEach(function (member) {
      member.removeAttribute("aria-invalid");
      member.classList.remove("is-invalid");
      var described = (member.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && id !== box.id;
      });
      if (described.length) {
        member.setAttribute("aria-describedby", described.join(" "));
      } else {
        member.removeAttribute("aria-describedby");
      }
    });
  }

  function checkFields(form) {
    var first = null;
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.willValidate) {
        return;
      }
      if (field.checkValidity()) {
        clearMessage(field);
      } else {
        showMessage(field);
        first = first || field;
      }
    });
    if (first) {
      first.focus();
    }
    return first === null;
  }

  function submitButtons(form) {
    return form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]");
  }

  function disable(form) {
    form.dataset.submitting = "";
    form.setAttribute("aria-busy", "true");
    submitButtons(form).forEach(function (button) {
      button.dataset.label = button.textContent;
      button.textContent = form.dataset.disableOnSubmit;
      button.disabled = true;
    });
  }

  function release(form) {
    delete form.dataset.submitting;
    form.removeAttribute("aria-busy");
    submitButtons(form).forEach(function (button) {
      if ("label" in button.dataset) {
        button.textContent = button.dataset.label;
      }
      button.disabled = false;
    });
  }

  document.querySelectorAll("form").forEach(function (form) {
    form.noValidate = true; // the checks below show messages inline instead of the browser's bubbles
    form.addEventListener("submit", function (event) {
      if ("submitting" in form.dataset) {
        event.preventDefault(); // already on its way
        return;
      }
      if (!checkFields(form)) {
        event.preventDefault();
        return;
      }
      if ("disableOnSubmit" in form.dataset) {
        disable(form);
      }
    });
    form.addEventListener("change", function (event) {
      var field = event.target;
      if (!field.willValidate) {
        return;
      }
      if (field.checkValidity()) {
        clearMessage(field);
      } else {
        showMessage(field); // as soon as a field is left with a value it cannot have
      }
    });
    form.addEventListener("input", function (event) {
      // A fixed field loses its message while it is typed in, not when it is left: leaving it is often
      // a click on the button, and the page moving under the pointer would swallow that click.
      var field = event.target;
      if (field.willValidate && field.checkValidity()) {
        clearMessage(field);
      }
    });
    form.addEventListener("yumroad:released", function () {
      release(form);
    });
  });

  // Back to a page from the browser's cache: its forms can be sent again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form[data-submitting]").forEach(release);
    }
  });
})();
