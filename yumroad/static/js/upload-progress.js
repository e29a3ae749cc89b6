// The product form, with a file or a picture chosen: sent with XMLHttpRequest so that a <progress>
// shows how much is uploaded ("3.2 MB of 48 MB"). Then the server's answer replaces the page, as the
// plain post would: the product's page after a redirect (with its flashed message), or the form
// again with its messages. Without JavaScript the form posts as usual.
//
// Only a page the server made for this form replaces it (2xx, not the log-in page). Anything else (an
// expired form, a file too big for a proxy, a server error, being logged out) is said in the status
// line and the form stays as it was, typed text and chosen files included, to be sent again.
//
// A file over the field's data-max-size is refused before sending, with the server's message
// (data-max-size-message); forms.js shows it under the field.
(function () {
  "use strict";
  var form = document.querySelector("form[data-upload-progress]");
  if (!form || !window.FormData || !window.XMLHttpRequest) {
    return;
  }
  var box = form.querySelector("[data-upload-box]");
  var bar = box.querySelector("progress");
  var status = box.querySelector("[data-upload-status]");
  var announcer = box.querySelector("[data-upload-announce]"); // a live region, told a few times only
  var announcedQuarter = -1;
  var fileInputs = form.querySelectorAll("input[type=file]");

  // Like yumroad/sizes.py's format_size.
  function formatSize(size) {
    var units = [["GB", 1073741824], ["MB", 1048576], ["KB", 1024]];
    for (var index = 0; index < units.length; index++) {
      if (size >= units[index][1]) {
        return (size / units[index][1]).toFixed(1).replace(/\.0$/, "") + " " + units[index][0];
      }
    }
    return size === 1 ? "1 byte" : size + " bytes";
  }

  function checkSize(input) {
    var limit = Number(input.dataset.maxSize);
    var file = input.files && input.files[0];
    input.setCustomValidity(file && limit && file.size > limit ? input.dataset.maxSizeMessage : "");
  }

  function chosen() {
    return Array.prototype.some.call(fileInputs, function (input) {
      return input.files && input.files.length > 0;
    });
  }

  function showPage(request) {
    if (request.responseURL && request.responseURL !== form.action) {
      window.history.replaceState(null, "", request.responseURL); // redirected: the page's own address
    }
    document.open();
    document.write(request.responseText);
    document.close();
  }

  function say(text, alsoAnnounce) {
    status.textContent = text;
    if (alsoAnnounce) {
      announcer.textContent = text;
    }
  }

  function refused(text) {
    say(text + " Your form is as you left it: send it again when you are ready.", true);
    bar.value = 0;
    form.dispatchEvent(new Event("yumroad:released"));
  }

  // What an error page says: its heading and its advice.
  function reasonIn(request) {
    var page = new DOMParser().parseFromString(request.responseText || "", "text/html");
    var heading = page.querySelector("main h1");
    var advice = heading && heading.nextElementSibling;
    return heading ? heading.textContent.trim() + "." + (advice ? " " + advice.textContent.trim() : "") : "";
  }

  function answered(request) {
    var landedOn = request.responseURL ? new URL(request.responseURL).pathname : "";
    if (form.dataset.loginUrl && landedOn === form.dataset.loginUrl) {
      refused("You were logged out. Log in again in another tab, then come back to this one.");
    } else if (request.status >= 200 && request.status < 300 && request.responseText) {
      showPage(request);
    } else if (request.status === 413) {
      refused("The files are too big to send.");
    } else {
      refused(reasonIn(request) || "The server could not save it (error " + request.status + ").");
    }
  }

  function send() {
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.addEventListener("progress", function (event) {
      if (!event.lengthComputable) {
        return;
      }
      bar.max = event.total;
      bar.value = event.loaded;
      var percent = Math.floor((100 * event.loaded) / event.total);
      var quarter = Math.floor(percent / 25);
      say(
        event.loaded < event.total
          ? "Uploading: " + formatSize(event.loaded) + " of " + formatSize(event.total) + " (" + percent + "%)"
          : "Uploaded " + formatSize(event.total) + ". Saving…",
        quarter > announcedQuarter // every quarter, not every event
      );
      announcedQuarter = Math.max(quarter, announcedQuarter);
    });
    request.addEventListener("load", function () {
      answered(request);
    });
    request.addEventListener("error", function () {
      refused("The upload did not go through: the connection dropped, or the files are too big to send.");
    });
    request.addEventListener("abort", function () {
      refused("The upload was stopped.");
    });
    box.hidden = false;
    announcedQuarter = -1;
    say("Uploading…", true);
    request.send(new FormData(form));
  }

  fileInputs.forEach(function (input) {
    input.addEventListener("change", function () {
      checkSize(input); // before forms.js, listening on the form, shows or clears the message
    });
    checkSize(input);
  });

  form.addEventListener("submit", function (event) {
    if (event.defaultPrevented || !chosen()) {
      return; // refused by forms.js, or nothing to upload: the plain post is quick
    }
    event.preventDefault();
    send();
  });
})();
