// The Menu button shows on phones only; it opens the header's links and the navigation.
document.querySelectorAll('.menu-toggle').forEach(function (toggle) {
  toggle.addEventListener('click', function () {
    var open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    document.body.classList.toggle('menu-open', open);
  });
});

// A table wider than the screen scrolls in its own box; that box then takes keyboard focus and is named after the table,
// so people without a mouse can scroll it too.
function labelScrollingTables() {
  document.querySelectorAll('.table-wrap').forEach(function (wrap) {
    if (wrap.scrollWidth > wrap.clientWidth) {
      if (!wrap.hasAttribute('tabindex')) { wrap.setAttribute('tabindex', '0'); }
      if (!wrap.hasAttribute('role')) { wrap.setAttribute('role', 'region'); }
      if (!wrap.hasAttribute('aria-label') && !wrap.hasAttribute('aria-labelledby')) {
        var table = wrap.querySelector('table');
        var caption = table && table.caption ? table.caption.textContent.trim() : '';
        var heading = wrap.closest('section, main');
        heading = heading ? heading.querySelector('h1, h2') : null;
        wrap.setAttribute('aria-label', (caption || (heading ? heading.textContent.trim() : 'Table')) + ' (scrolls sideways)');
      }
    }
  });
}
labelScrollingTables();
window.addEventListener('resize', labelScrollingTables);

// Sign-in forms send the browser's time zone, the portal's first guess of the person's zone (kept only while they have none).
document.querySelectorAll('input[data-browser-time-zone]').forEach(function (input) {
  try { input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (e) { /* an old browser: no guess */ }
});
document.querySelectorAll('select[data-browser-time-zone-default]').forEach(function (select) {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && Array.prototype.some.call(select.options, function (o) { return o.value === zone; })) { select.value = zone; }
  } catch (e) { /* an old browser: the person chooses */ }
});
