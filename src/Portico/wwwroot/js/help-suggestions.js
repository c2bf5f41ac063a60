// Beside the new-request form: while the subject is typed, the help articles matching it are fetched from the
// server (already escaped HTML) and shown, each with "This answered my question". Without script the form works alone.
(function () {
  var aside = document.getElementById('help-suggestions');
  var subject = document.getElementById('subject');
  if (!aside || !subject || !window.fetch) { return; }
  var url = aside.getAttribute('data-suggest');
  var timer = null;
  var asked = '';
  function show() {
    var q = subject.value.trim();
    if (q === asked) { return; }
    asked = q;
    if (q.length < 3) { aside.hidden = true; aside.innerHTML = ''; return; }
    fetch(url + '&q=' + encodeURIComponent(q), { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
      .then(function (response) { return response.ok ? response.text() : ''; })
      .then(function (html) {
        if (q !== asked) { return; }
        aside.innerHTML = html;
        aside.hidden = html.trim() === '';
      })
      .catch(function () { aside.hidden = true; });
  }
  subject.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(show, 250);
  });
  show();
})();
