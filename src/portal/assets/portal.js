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

// A switch that makes other controls moot ("Full access" over a permission matrix): while it is checked, the
// element named by its data-disables is disabled (a fieldset disables every control inside it).
document.addEventListener('change', (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.hasAttribute('data-disables')) return;
  const target = document.getElementById(input.getAttribute('data-disables'));
  if (target && 'disabled' in target) target.disabled = input.checked;
});

// htmx leaves 4xx answers unswapped. Inside [data-swap-errors] the server answers a refusal with the content again
// and its message (the form, still filled in), so swap it like a success.
document.addEventListener('htmx:beforeSwap', (event) => {
  const status = event.detail.xhr.status;
  const source = event.detail.elt;
  if (status >= 400 && status < 500 && source instanceof Element && source.closest('[data-swap-errors]')) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// The CSP forbids style attributes, so htmx must not copy them onto swapped-in elements while settling (the browser
// leaves an empty style="" on form controls, and copying it is reported as a violation).
if (window.htmx) window.htmx.config.attributesToSettle = ['class', 'width', 'height'];
