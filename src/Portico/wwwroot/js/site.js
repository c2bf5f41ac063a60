// Switch account as soon as one is chosen; the Switch button remains for keyboard and no-script users.
document.querySelectorAll('.account-switcher select').forEach(function (select) {
  select.addEventListener('change', function () {
    if (select.value) { select.form.submit(); }
  });
});
