import { h } from './dom.js';
import type { PanelState } from './state.js';

const WHAT: Record<string, string> = {
  realtime: 'the realtime service',
  metrics: 'the metrics service',
  insights: 'the insights service',
};

/**
 * Draws a panel's state into `body`: a loading line naming the service, an empty message, the error
 * (which service, what it said, a retry button), or the content drawn by `ready`.
 */
export function renderPanel<T>(
  body: HTMLElement,
  state: PanelState<T>,
  ready: (value: T) => Node,
  retry?: () => void,
): void {
  body.setAttribute('data-state', state.kind);
  body.setAttribute('aria-busy', String(state.kind === 'loading'));
  switch (state.kind) {
    case 'loading':
      body.replaceChildren(h('p', { class: 'muted loading' }, `Loading from ${WHAT[state.service]}…`));
      return;
    case 'empty':
      body.replaceChildren(h('p', { class: 'muted empty' }, state.message));
      return;
    case 'error': {
      const e = state.error;
      body.replaceChildren(
        h(
          'div',
          { class: 'error', role: 'alert', 'data-service': e.service, 'data-code': e.code },
          h('strong', {}, e.title),
          h('p', {}, e.detail),
          e.needsToken
            ? h('p', {}, 'This needs a token with another role: “Sign out” at the top, then sign in with it.')
            : null,
          retry === undefined ? null : h('button', { type: 'button', onclick: retry }, 'Retry'),
        ),
      );
      return;
    }
    case 'ready':
      body.replaceChildren(ready(state.value));
  }
}

/** A titled section with a controls row and a body for its state. */
export function section(id: string, title: string, controls: Node[] = []) {
  const body = h('div', { class: 'panel-body', 'aria-live': 'polite' });
  const el = h(
    'section',
    // Focusable (not in the tab order) so the section links can move focus to it.
    { id, class: 'panel', 'aria-labelledby': `${id}-title`, tabindex: -1 },
    h('header', {}, h('h2', { id: `${id}-title` }, title), h('div', { class: 'controls' }, controls)),
    body,
  );
  return { el, body };
}
