// Punchclock portal behaviour that HTML alone cannot give: dialogs and the copy button. Loaded from the server
// (no inline scripts, so the Content-Security-Policy can forbid them).
document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return;
  const opener = target.closest('[data-open-dialog]');
  if (opener) {
    const dialog = document.getElementById(opener.getAttribute('data-open-dialog'));
    if (dialog && typeof dialog.showModal === 'function') dialog.showModal();
    return;
  }
  const closer = target.closest('[data-close-dialog]');
  if (closer) {
    closer.closest('dialog')?.close();
    return;
  }
  const copier = target.closest('[data-copy-target]');
  if (copier) {
    const source = document.getElementById(copier.getAttribute('data-copy-target'));
    const text = source ? source.textContent.trim() : '';
    const done = () => {
      copier.textContent = 'Copied';
      copier.setAttribute('aria-live', 'polite');
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, done);
    else {
      const range = document.createRange();
      range.selectNodeContents(source);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      document.execCommand('copy');
      done();
    }
  }
});

// A form that asks for confirmation: data-confirm-text must be typed exactly into the form's confirm field.
document.addEventListener('input', (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.hasAttribute('data-confirm-text')) return;
  const button = input.form?.querySelector('[data-confirm-submit]');
  if (button) button.disabled = input.value !== input.getAttribute('data-confirm-text');
});

// After htmx swaps in content that opens a dialog by itself (a result to show once), open it.
document.addEventListener('htmx:afterSettle', () => {
  for (const dialog of document.querySelectorAll('dialog[data-open-on-load]')) {
    dialog.removeAttribute('data-open-on-load');
    if (!dialog.open) dialog.showModal();
  }
});
window.addEventListener('DOMContentLoaded', () => {
  for (const dialog of document.querySelectorAll('dialog[data-open-on-load]')) {
    dialog.removeAttribute('data-open-on-load');
    if (!dialog.open) dialog.showModal();
  }
});
