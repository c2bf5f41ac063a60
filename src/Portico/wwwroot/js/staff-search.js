// "/" jumps to the staff search box, unless the person is already typing somewhere.
document.addEventListener('keydown', function (event) {
  if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) { return; }
  var active = document.activeElement;
  if (active && (active.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName))) { return; }
  var box = document.getElementById('staff-search');
  if (!box) { return; }
  event.preventDefault();
  box.focus();
  box.select();
});
