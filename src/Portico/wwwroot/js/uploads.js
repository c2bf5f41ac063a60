// Upload forms (Features/Shared/_UploadField.cshtml): dropping files, checks before sending with the limits the
// server put on the field, a progress bar and a Cancel button. Without this script the form posts as a plain form,
// and the server checks everything again either way.
(function () {
  'use strict';

  // The field's messages in the page's language (data-messages, English text to translation), {0}… filled in.
  function say(field, english) {
    var messages = field.messages || (field.messages = JSON.parse(field.dataset.messages || '{}'));
    var args = Array.prototype.slice.call(arguments, 2);
    return (messages[english] || english).replace(/\{(\d)\}/g, function (_, n) { return String(args[Number(n)]); });
  }

  function formatSize(bytes) {
    if (bytes >= 1024 * 1024) { return (bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '') + ' MB'; }
    if (bytes >= 1024) { return (bytes / 1024).toFixed(1).replace(/\.0$/, '') + ' KB'; }
    return bytes + ' bytes';
  }

  function extensionOf(name) {
    var dot = name.lastIndexOf('.');
    return dot < 0 ? '' : name.slice(dot).toLowerCase();
  }

  // The same refusals, in the same words, as the server gives for the same file.
  function refusal(files, field) {
    var maxFiles = Number(field.dataset.maxFiles);
    var maxBytes = Number(field.dataset.maxBytes);
    var allowed = field.dataset.allowed.toLowerCase().split(' ');
    if (files.length > maxFiles) {
      return maxFiles === 1 ? say(field, 'Choose one file at a time.') : say(field, 'Attach at most {0} files at once.', maxFiles);
    }
    for (var i = 0; i < files.length; i++) {
      var file = files[i];
      if (file.size > maxBytes) {
        return say(field, '"{0}" is larger than the limit of {1}.', file.name, field.dataset.maxSize);
      }
      if (allowed.indexOf(extensionOf(file.name)) < 0) {
        return say(field, '"{0}" is a type of file that is not accepted. Accepted: {1}.', file.name, field.dataset.allowed);
      }
    }
    return null;
  }

  // The refusal the page shows after a post, read from the page the server answered with.
  function serverMessage(page) {
    if (!page || !page.querySelector) { return null; }
    var alert = page.querySelector('[data-testid=action-error]');
    if (alert && alert.textContent.trim()) { return alert.textContent.trim(); }
    var fieldErrors = Array.prototype.map.call(page.querySelectorAll('.field-error'), function (e) { return e.textContent.trim(); })
      .filter(function (text) { return text.length > 0; });
    return fieldErrors.length ? fieldErrors.join(' ') : null;
  }

  function enhance(field) {
    if (field.dataset.uploadReady) { return; }
    field.dataset.uploadReady = 'true';
    var form = field.closest('form');
    var input = field.querySelector('input[type=file]');
    var zone = field.querySelector('[data-drop-zone]');
    var error = field.querySelector('[data-upload-error]');
    var status = field.querySelector('[data-upload-status]');
    var progressBox = field.querySelector('[data-upload-progress]');
    var progress = progressBox.querySelector('progress');
    var bytes = field.querySelector('[data-upload-bytes]');
    var cancel = field.querySelector('[data-upload-cancel]');
    var submit = form.querySelector('[type=submit]');
    var xhr = null;
    var announced = -1;
    field.querySelector('[data-drop-hint]').hidden = false;
    zone.classList.add('enhanced');

    function showError(message) {
      error.textContent = message || '';
      if (message) { input.setAttribute('aria-invalid', 'true'); } else { input.removeAttribute('aria-invalid'); }
    }

    function check() {
      var message = refusal(input.files, field);
      showError(message);
      if (!message) { status.textContent = ''; }
      return !message;
    }

    function finish() {
      xhr = null;
      progressBox.hidden = true;
      input.disabled = false;
      if (submit) { submit.disabled = false; }
    }

    function show(loaded, total) {
      var percent = total > 0 ? Math.floor(loaded * 100 / total) : 0;
      progress.value = percent;
      bytes.textContent = say(field, '{0}% · {1} of {2} sent', percent, formatSize(loaded), formatSize(total));
      // Announce every quarter, not every event, so a screen reader is not flooded.
      var quarter = Math.floor(percent / 25);
      if (quarter !== announced) {
        announced = quarter;
        status.textContent = quarter === 0 ? say(field, 'Uploading…') : say(field, 'Uploading: {0}% sent.', quarter * 25);
      }
    }

    function send() {
      var total = Array.prototype.reduce.call(input.files, function (sum, f) { return sum + f.size; }, 0);
      // FormData carries the form's antiforgery token with the files, as the plain post would.
      var body = new FormData(form);
      xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.responseType = 'document';
      xhr.upload.onprogress = function (event) { show(event.loaded, event.lengthComputable ? event.total : total); };
      xhr.upload.onload = function () {
        show(1, 1);
        bytes.textContent = say(field, '{0}% · {1} sent', 100, formatSize(total));
        // The file is all sent; from here the portal checks and stores it, which Cancel could not undo reliably.
        cancel.hidden = true;
        status.textContent = say(field, 'Sent. Checking and storing the file…');
      };
      xhr.onload = function () {
        var request = xhr;
        if (request.status >= 200 && request.status < 300) {
          status.textContent = say(field, 'Uploaded.');
          window.location.assign(request.responseURL);
          return;
        }
        finish();
        status.textContent = '';
        showError(serverMessage(request.response) ||
          (request.status === 413 ? say(field, 'The upload is larger than the portal accepts.') : say(field, 'The upload failed (HTTP {0}). Try again.', request.status)));
      };
      xhr.onerror = function () {
        finish();
        status.textContent = '';
        showError(say(field, 'The upload was cut off before it finished. Check the connection and try again.'));
      };
      xhr.onabort = function () {
        finish();
        progress.value = 0;
        status.textContent = say(field, 'Upload cancelled. Nothing was stored.');
      };
      showError(null);
      announced = -1;
      show(0, total);
      cancel.hidden = false;
      progressBox.hidden = false;
      if (submit) { submit.disabled = true; }
      xhr.send(body);
      // Disabled inputs are left out of FormData, so only once the body is taken.
      input.disabled = true;
    }

    input.addEventListener('change', check);

    zone.addEventListener('dragover', function (event) {
      event.preventDefault();
      zone.classList.add('dragging');
    });
    zone.addEventListener('dragleave', function () { zone.classList.remove('dragging'); });
    zone.addEventListener('drop', function (event) {
      event.preventDefault();
      zone.classList.remove('dragging');
      if (xhr || !event.dataTransfer || event.dataTransfer.files.length === 0) { return; }
      input.files = event.dataTransfer.files;
      check();
    });

    cancel.addEventListener('click', function () {
      if (xhr) { xhr.abort(); }
    });

    form.addEventListener('submit', function (event) {
      if (xhr) { event.preventDefault(); return; }
      if (!check()) {
        event.preventDefault();
        input.focus();
        return;
      }
      // Nothing to send but text: the plain post is as good.
      if (input.files.length === 0) { return; }
      event.preventDefault();
      send();
    });
  }

  document.querySelectorAll('[data-upload-field]').forEach(enhance);
}());
