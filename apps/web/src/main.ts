import { createApi } from './api.js';
import { authInterceptor, createTokenStore, type SignInReason } from './auth.js';
import { h } from './dom.js';
import './styles.css';
import { cohortsView } from './views/cohorts.js';
import { dashboardsView } from './views/dashboards.js';
import { forecastView } from './views/forecast.js';
import { funnelView } from './views/funnel.js';
import { journeysView } from './views/journeys.js';
import { loginView } from './views/login.js';
import { metricsView } from './views/metrics.js';
import { overviewView } from './views/overview.js';
import { userJourneyView } from './views/user-journey.js';

// Composition root of the dashboard: the token, clients to the gateway's origin, then the views.
const tokens = createTokenStore(sessionStorage);
const life = new AbortController();
window.addEventListener('pagehide', () => life.abort());
const main = h('main', { id: 'content', tabindex: -1 });

/** Replaces the dashboard with the sign-in view; the first reason given wins until the page reloads. */
let signingIn = false;
function showLogin(reason?: SignInReason) {
  if (signingIn) return;
  signingIn = true;
  life.abort(); // the live streams stop asking
  nav.hidden = true;
  account.hidden = true;
  main.replaceChildren(
    loginView(
      reason,
      (t) => {
        tokens.set(t);
        window.location.reload();
      },
      () => window.location.reload(),
    ),
  );
  main.classList.add('single');
}

const api = createApi(window.location.origin, [authInterceptor(tokens, (r) => showLogin(r))]);

// The shop currency as the realtime service reports it; metrics and forecasts format money with it.
let currency = 'USD';
void api.realtime
  .getOverview({}, { signal: life.signal })
  .then((r) => (currency = r.overview?.currency || currency))
  .catch(() => undefined);

const SECTIONS = [
  ['overview', 'Live'],
  ['metrics', 'Metrics'],
  ['dashboards', 'Dashboards'],
  ['forecast', 'Forecast'],
  ['funnel', 'Funnel'],
  ['cohorts', 'Cohorts'],
  ['journeys', 'Paths'],
  ['user-journey', 'User journey'],
] as const;
const nav = h(
  'nav',
  { 'aria-label': 'Sections' },
  SECTIONS.map(([id, label]) => h('a', { href: `#${id}` }, label)),
);
const account =
  tokens.get() === ''
    ? h('button', { type: 'button', class: 'secondary', onclick: () => showLogin() }, 'Sign in')
    : h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () => {
            tokens.clear();
            window.location.reload();
          },
        },
        'Sign out',
      );

const dashboards = dashboardsView(api, () => currency);
const journey = userJourneyView(api, () => currency);
const goTo = (el: HTMLElement) => {
  el.scrollIntoView({ block: 'start' });
  el.focus({ preventScroll: true });
};
main.append(
  overviewView(api, life.signal, (userId) => {
    journey.show(userId);
    goTo(journey);
  }),
  metricsView(
    api,
    () => currency,
    (id) => dashboards.refresh(id),
  ),
  dashboards,
  forecastView(api, () => currency),
  funnelView(api),
  cohortsView(api, () => currency),
  journeysView(api),
  journey,
);

document
  .querySelector('#app')
  ?.replaceChildren(
    h('a', { class: 'skip', href: '#content' }, 'Skip to content'),
    h('header', { class: 'top' }, h('h1', {}, 'Broxiva Analytics'), nav, account),
    main,
  );
