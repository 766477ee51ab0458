import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { GetJourneyPathsResponse } from '@broxiva/contracts';
import type { Api } from '../api.js';
import { sankeyChart } from '../charts/sankey.js';
import { h } from '../dom.js';
import { humanize } from '../format.js';
import { renderPanel, section } from '../panel.js';
import { describeError, isCanceled, type PanelState } from '../state.js';
import { SHOP_FUNNEL } from './funnel.js';

const DAY = 86_400_000;

interface Result {
  readonly start: string;
  readonly res: GetJourneyPathsResponse;
}

/** The most frequent paths users take from an event, as a Sankey diagram (GetJourneyPaths). */
export function journeysView(api: Api): HTMLElement {
  const form = h(
    'form',
    { class: 'query', 'aria-label': 'Journey paths query' },
    h(
      'label',
      {},
      'Starting at',
      h(
        'select',
        { name: 'start' },
        SHOP_FUNNEL.map((e) => h('option', { value: e }, humanize(e))),
      ),
    ),
    h(
      'label',
      {},
      'Steps',
      h(
        'select',
        { name: 'steps' },
        [3, 4, 5, 6].map((n) => h('option', { value: String(n), selected: n === 5 }, String(n))),
      ),
    ),
    h(
      'label',
      {},
      'Range',
      h(
        'select',
        { name: 'days' },
        h('option', { value: '7' }, 'Last 7d'),
        h('option', { value: '30', selected: true }, 'Last 30d'),
      ),
    ),
  );
  const { el, body } = section('journeys', 'Journey paths', [form]);
  let current: AbortController | undefined;

  const run = async () => {
    current?.abort();
    const abort = (current = new AbortController());
    const f = new FormData(form);
    const start = String(f.get('start'));
    const end = new Date(Date.now() + 60_000);
    const show = (s: PanelState<Result>) => renderPanel(body, s, draw, () => void run());
    show({ kind: 'loading', service: 'insights' });
    try {
      const res = await api.insights.getJourneyPaths(
        {
          startEvent: start,
          maxSteps: Number(f.get('steps')),
          startDate: timestampFromDate(new Date(end.getTime() - Number(f.get('days')) * DAY)),
          endDate: timestampFromDate(end),
        },
        { signal: abort.signal },
      );
      if (res.links.length === 0) {
        show({
          kind: 'empty',
          message: `No user went on from ${humanize(start).toLowerCase()} in this range yet.`,
        });
      } else show({ kind: 'ready', value: { start, res } });
    } catch (err) {
      if (!isCanceled(err) && !abort.signal.aborted)
        show({ kind: 'error', error: describeError('insights', err) });
    }
  };

  const draw = ({ start, res }: Result): Node =>
    sankeyChart(`Paths users took from ${humanize(start).toLowerCase()}`, res.nodes, res.links);

  form.addEventListener('change', () => void run());
  void run();
  return el;
}
