import { signInMessage, type SignInReason } from '../auth.js';
import { h } from '../dom.js';

/**
 * The sign-in view: why it is shown (no token yet, or the gateway refused the one sent, with its reason)
 * and a field to paste a reader token (JWT) into. `onToken` keeps it and starts the dashboard again;
 * opened by the user (no reason), it can also be left with `onCancel`.
 */
export function loginView(
  reason: SignInReason | undefined,
  onToken: (token: string) => void,
  onCancel: () => void,
): HTMLElement {
  const field = h('textarea', {
    id: 'login-token',
    name: 'token',
    rows: 4,
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'login-why login-help',
  });
  const why = h(
    'p',
    {
      id: 'login-why',
      class: reason?.hadToken === true ? 'error' : 'muted',
      role: reason === undefined ? undefined : 'alert',
    },
    signInMessage(reason),
  );
  const form = h(
    'form',
    {
      class: 'login-form',
      'aria-labelledby': 'login-title',
      onsubmit: (e: Event) => {
        e.preventDefault();
        if (field.value.trim() !== '') onToken(field.value);
      },
    },
    h('label', { for: 'login-token' }, 'Token (JWT)'),
    field,
    h(
      'p',
      { id: 'login-help', class: 'muted' },
      'Kept in this browser tab only (session storage) and sent to this gateway as a bearer token.',
    ),
    h(
      'div',
      { class: 'controls' },
      h('button', { type: 'submit' }, 'Sign in'),
      reason === undefined
        ? h('button', { type: 'button', class: 'secondary', onclick: onCancel }, 'Back to the dashboard')
        : null,
    ),
  );
  const el = h(
    'section',
    { id: 'login', class: 'panel login', 'aria-labelledby': 'login-title' },
    h('h2', { id: 'login-title' }, 'Sign in'),
    why,
    form,
  );
  requestAnimationFrame(() => field.focus());
  return el;
}
