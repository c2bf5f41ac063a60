// Mirrors the branding form into the preview as the Admin types, and shows each colour's contrast with white.
// Without this script the preview shows the saved brand.
(() => {
  const preview = document.querySelector('[data-testid=brand-preview]');
  if (!preview) return;
  const channel = v => { const c = v / 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const contrast = hex => {
    const n = parseInt(hex.slice(1), 16);
    const l = 0.2126 * channel(n >> 16 & 255) + 0.7152 * channel(n >> 8 & 255) + 0.0722 * channel(n & 255);
    return 1.05 / (l + 0.05);
  };
  const update = input => {
    const kind = input.dataset.preview;
    if (kind === 'name') {
      preview.querySelector('[data-preview-text=name]').textContent = input.value;
      return;
    }
    if (!/^#[0-9a-fA-F]{6}$/.test(input.value)) return;
    preview.style.setProperty('--preview-' + kind, input.value);
    const ratio = contrast(input.value);
    const note = document.querySelector(`[data-contrast-for="${input.id}"]`);
    if (!note) return;
    // The words come from the page, in the reader's language; the ratio is written the way that language writes numbers.
    const shown = (Math.floor(ratio * 100) / 100).toLocaleString(document.documentElement.lang || undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    note.textContent = (ratio >= 4.5 ? note.dataset.text : note.dataset.textLow).replace('{0}', shown);
  };
  document.querySelectorAll('[data-preview]').forEach(input => {
    input.addEventListener('input', () => update(input));
    update(input);
  });
})();
