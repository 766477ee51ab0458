import { createApi, token } from './api.js';
import { h } from './dom.js';
import './styles.css';
import { forecastView } from './views/forecast.js';
import { funnelView } from './views/funnel.js';
import { metricsView } from './views/metrics.js';
import { overviewView } from './views/overview.js';

// Composition root of the dashboard: clients to the gateway's origin, then the views.
const api = createApi(window.location.origin);
const life = new AbortController();
window.addEventListener('pagehide', () => life.abort());

// The shop currency as the realtime service reports it; metrics and forecasts format money with it.
let currency = 'USD';
void api.realtime
  .getOverview({}, { signal: life.signal })
  .then((r) => (currency = r.overview?.currency || currency))
  .catch(() => undefined);

const tokenInput = h('input', {
  type: 'password',
  name: 'token',
  autocomplete: 'off',
  placeholder: 'JWT with role reader',
  value: token.get(),
  'aria-label': 'Reader token',
});
const tokenForm = h(
  'form',
  {
    class: 'token',
    onsubmit: (e: Event) => {
      e.preventDefault();
      token.set(tokenInput.value);
      window.location.reload();
    },
  },
  tokenInput,
  h('button', { type: 'submit' }, 'Use token'),
);

document.querySelector('#app')?.replaceChildren(
  h(
    'header',
    { class: 'top' },
    h('h1', {}, 'Broxiva Analytics'),
    h(
      'nav',
      { 'aria-label': 'Sections' },
      h('a', { href: '#overview' }, 'Live'),
      h('a', { href: '#metrics' }, 'Metrics'),
      h('a', { href: '#forecast' }, 'Forecast'),
      h('a', { href: '#funnel' }, 'Funnel'),
    ),
    h('details', {}, h('summary', {}, 'Token'), tokenForm),
  ),
  h(
    'main',
    {},
    overviewView(api, life.signal),
    metricsView(api, () => currency),
    forecastView(api, () => currency),
    funnelView(api),
  ),
);
