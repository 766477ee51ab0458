import { Code, ConnectError } from '@connectrpc/connect';
import type { Api } from '../api.js';
import {
  KIND_LABELS,
  newWidgetId,
  widgetFromView,
  widgetTitle,
  type ExplorerView,
  type SavableKind,
} from '../dashboards.js';
import { h } from '../dom.js';
import { describeError, isCanceled } from '../state.js';

const NEW = '__new__';
const randomId = () => crypto.randomUUID();

/**
 * "Save as widget" for the metrics explorer: the current view as a widget (title, kind) added to a new
 * dashboard or appended to an existing one (CreateDashboard, or GetDashboard + UpdateDashboard). Saving
 * needs the admin role when the gateway has auth on; the answer is said in the form's status line.
 */
export function saveWidgetForm(
  api: Api,
  view: () => ExplorerView,
  onSaved: (dashboardId: string) => void,
): HTMLElement {
  const title = h('input', {
    name: 'title',
    id: 'widget-title',
    required: true,
    maxlength: 200,
    size: 28,
    autocomplete: 'off',
  });
  const kind = h(
    'select',
    { name: 'kind', id: 'widget-kind' },
    (Object.keys(KIND_LABELS) as SavableKind[]).map((k) => h('option', { value: k }, KIND_LABELS[k])),
  );
  const target = h(
    'select',
    { name: 'dashboard', id: 'widget-dashboard' },
    h('option', { value: NEW }, 'New dashboard…'),
  );
  const newName = h('input', {
    name: 'name',
    id: 'widget-new-name',
    maxlength: 200,
    size: 24,
    autocomplete: 'off',
  });
  const newNameLabel = h('label', { for: 'widget-new-name' }, 'New dashboard name', newName);
  const status = h('p', { class: 'status save-status', role: 'status', 'aria-live': 'polite' });
  const save = h('button', { type: 'submit' }, 'Save widget');
  const form = h(
    'form',
    { class: 'query save-form', 'aria-label': 'Save as widget' },
    h('label', { for: 'widget-title' }, 'Widget title', title),
    h('label', { for: 'widget-kind' }, 'Shown as', kind),
    h('label', { for: 'widget-dashboard' }, 'Dashboard', target),
    newNameLabel,
    save,
  );
  const details = h('details', { class: 'save-widget' }, h('summary', {}, 'Save as widget'), form, status);

  const say = (text: string, bad = false) => {
    status.textContent = text;
    status.setAttribute('data-status', bad ? 'error' : 'ok');
  };
  const syncNewName = () => {
    newNameLabel.hidden = target.value !== NEW;
    newName.required = target.value === NEW;
  };
  // The title follows the view and kind until the user types their own.
  let autoTitle = '';
  const retitle = () => {
    if (title.value !== '' && title.value !== autoTitle) return;
    autoTitle = widgetTitle(view(), kind.value as SavableKind);
    title.value = autoTitle;
  };

  let loading: AbortController | undefined;
  const loadDashboards = async () => {
    loading?.abort();
    const abort = (loading = new AbortController());
    try {
      const res = await api.metrics.listDashboards({ pageSize: 100 }, { signal: abort.signal });
      const chosen = target.value;
      target.replaceChildren(
        h('option', { value: NEW }, 'New dashboard…'),
        ...res.dashboards.map((d) => h('option', { value: d.id, selected: d.id === chosen }, d.name)),
      );
      syncNewName();
    } catch (err) {
      if (!isCanceled(err) && !abort.signal.aborted) {
        const e = describeError('metrics', err);
        say(`Could not list dashboards — ${e.title}: ${e.detail}`, true);
      }
    }
  };

  details.addEventListener('toggle', () => {
    if (!details.open) return;
    retitle();
    if (newName.value === '') newName.value = 'My dashboard';
    say('');
    void loadDashboards();
  });
  kind.addEventListener('change', retitle);
  target.addEventListener('change', syncNewName);
  syncNewName();

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void (async () => {
      save.disabled = true;
      retitle(); // the explorer may have changed since the form was opened
      say('Saving…');
      try {
        const toNew = target.value === NEW;
        const existing = toNew ? undefined : (await api.metrics.getDashboard({ id: target.value })).dashboard;
        if (!toNew && existing === undefined)
          throw new ConnectError('the metrics service returned no dashboard', Code.NotFound);
        const taken = existing?.widgets.map((w) => w.id) ?? [];
        const w = widgetFromView(
          view(),
          kind.value as SavableKind,
          title.value,
          newWidgetId(taken, randomId),
          Date.now(),
        );
        if (!w.ok) {
          say(w.reason, true);
          return;
        }
        const saved =
          existing === undefined
            ? (
                await api.metrics.createDashboard({
                  dashboard: { name: newName.value.trim(), widgets: [w.widget] },
                })
              ).dashboard
            : (
                await api.metrics.updateDashboard({
                  dashboard: {
                    id: existing.id,
                    name: existing.name,
                    description: existing.description,
                    widgets: [...existing.widgets, w.widget],
                  },
                })
              ).dashboard;
        if (saved === undefined)
          throw new ConnectError('the metrics service returned no dashboard', Code.Internal);
        say(`Saved “${w.widget.title}” to “${saved.name}”.`);
        await loadDashboards();
        target.value = saved.id;
        syncNewName();
        onSaved(saved.id);
      } catch (err) {
        const e = describeError('metrics', err);
        say(
          e.code === 'permission_denied'
            ? 'Saving dashboards needs a token with the admin role.'
            : `${e.title}: ${e.detail}`,
          true,
        );
      } finally {
        save.disabled = false;
      }
    })();
  });
  return details;
}
