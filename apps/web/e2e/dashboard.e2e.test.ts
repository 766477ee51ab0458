import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import axe from 'axe-core';
import { SignJWT } from 'jose';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack.js';

// The dashboard in Debian's Chromium against the real stack (gateway + four services as child
// processes on free ports, auth off): what a shop owner sees, screenshots under test-output/.

const OUT = fileURLToPath(new URL('../test-output/', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const BROWSER_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';

let stack: Stack;
let browser: Browser;
let page: Page;
const foreign: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  stack = await startStack();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  // Nothing may leave the gateway's origin: fonts, scripts and styles are all in the bundle.
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(stack.base) || url.startsWith('data:')) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const shot = (name: string, selector?: string) =>
  selector === undefined
    ? page.screenshot({ path: `${OUT}${name}.png`, fullPage: true })
    : page.locator(selector).screenshot({ path: `${OUT}${name}.png` });

async function track(events: object[]) {
  const res = await fetch(`${stack.base}/events/batch`, {
    method: 'POST',
    // A browser's user agent: the services leave bots (Node's fetch is one) out of every number.
    headers: { 'content-type': 'application/json', 'user-agent': BROWSER_UA },
    body: JSON.stringify(events),
  });
  const body = (await res.json()) as { accepted: number; rejected: number };
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}

/** One shopper's session through the whole funnel, with a purchase of `amount` EUR. */
const shopper = (i: number, amount: number) => {
  const base = { user_id: `e2e-user-${i}`, session_id: `e2e-sess-${i}` };
  const product = { product_id: `p${i}`, category: 'electronics', price: amount };
  return [
    { ...base, event_type: 'page_view', context: { page_path: '/' } },
    { ...base, event_type: 'product_view', properties: product },
    { ...base, event_type: 'add_to_cart', properties: { ...product, quantity: 1 } },
    { ...base, event_type: 'checkout_start' },
    {
      ...base,
      event_type: 'purchase',
      commerce: { order_id: `e2e-order-${i}`, revenue: { amount, currency: 'EUR' } },
    },
  ];
};

const tile = (name: string) => page.locator(`[data-tile="${name}"]`).innerText();

describe('the dashboard served by the gateway', () => {
  it('loads from the gateway with caching headers and goes live over WatchOverview', async () => {
    const res = await page.goto(stack.base);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['cache-control']).toBe('no-cache');
    await page.locator('.status[data-status="live"]').waitFor({ timeout: 20_000 });
    expect(await tile('activeUsers')).toBe('0');
    expect(await tile('ordersToday')).toBe('0');
    await shot('01-overview-empty');
  });

  it('updates the live numbers in place after events are tracked through the REST API', async () => {
    // Every panel's first query has answered (none is busy): any request from here on would be polling.
    await page.waitForFunction(
      () => document.querySelectorAll('[aria-busy="true"]').length === 0,
      undefined,
      {
        timeout: 20_000,
      },
    );
    const requestsBefore = await page.evaluate(() => performance.getEntriesByType('resource').length);
    await track([...shopper(1, 120), ...shopper(2, 80.5), ...shopper(3, 40)]);
    await page.waitForFunction(
      () => document.querySelector('[data-tile="ordersToday"]')?.textContent === '3',
      undefined,
      { timeout: 20_000 },
    );
    expect(await tile('activeUsers')).toBe('3');
    expect(await tile('activeSessions')).toBe('3');
    expect(await tile('revenueToday')).toBe('€240.50');
    expect(await tile('conversionRate')).toBe('100.0%');
    // In place, from the stream: no new request was made for the update (no polling).
    expect(await page.evaluate(() => performance.getEntriesByType('resource').length)).toBe(requestsBefore);
    await page.locator('.feed li').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('.feed li').count()).toBeGreaterThan(0);
    await shot('02-overview-live', '#overview');
  });

  it('draws the metrics chart, the forecast with its band and the funnel from the services', async () => {
    // The events reach the store and the rollups within a couple of seconds: reload until they show.
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.locator('#metrics .panel-body:not([data-state="loading"])').waitFor();
          return page
            .locator('#metrics [data-total]')
            .getAttribute('data-total', { timeout: 500 })
            .catch(() => null);
        },
        { timeout: 45_000, interval: 1500 },
      )
      .toBe('240.5');
    // The chart and table are drawn right after the total is known: wait for them rather than race them.
    await expect
      .poll(async () => Number(await page.locator('#metrics .chart').getAttribute('data-points')), {
        timeout: 10_000,
      })
      .toBeGreaterThan(0);
    await expect
      .poll(() => page.locator('#metrics .chart canvas').count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    await expect
      .poll(() => page.locator('#metrics table.breakdown tbody tr').count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    await shot('03-metrics', '#metrics');

    await page.locator('#forecast .panel-body[data-state="ready"]').waitFor({ timeout: 30_000 });
    await expect
      .poll(async () => Number(await page.locator('#forecast .chart').getAttribute('data-points')), {
        timeout: 10_000,
      })
      .toBeGreaterThan(24);
    expect(await page.locator('#forecast .accuracy').innerText()).toMatch(/^Model \S+/);
    await shot('04-forecast', '#forecast');

    await page.locator('#funnel .panel-body[data-state="ready"]').waitFor({ timeout: 30_000 });
    const counts = await page
      .locator('#funnel .funnel li')
      .evaluateAll((lis) => lis.map((li) => Number(li.getAttribute('data-count'))));
    expect(counts).toEqual([3, 3, 3, 3, 3]);
    await shot('05-funnel', '#funnel');
    await shot('06-dashboard-1280');
    expect(foreign).toEqual([]);
  });

  it('saves the explorer view as widgets; after a reload the dashboard is listed and opens with them drawn', async () => {
    const save = page.locator('#metrics .save-widget');
    await save.locator('summary').click();
    await page.locator('#metrics select[name="range"]').selectOption('24h');
    await page.locator('#widget-kind').selectOption('time_series');
    await page.locator('#widget-title').fill('E2E revenue');
    await page.locator('#widget-dashboard').selectOption({ label: 'New dashboard…' });
    await page.locator('#widget-new-name').fill('E2E shop');
    await save.getByRole('button', { name: 'Save widget' }).click();
    await expect
      .poll(() => save.locator('.save-status').innerText(), { timeout: 15_000 })
      .toBe('Saved “E2E revenue” to “E2E shop”.');
    // A second widget appended to the same dashboard: revenue by device as bars, titled automatically
    // once the typed title is cleared.
    await page.locator('#widget-title').fill('');
    await page.locator('#widget-kind').selectOption('bar');
    await page.locator('#widget-dashboard').selectOption({ label: 'E2E shop' });
    await expect(page.locator('#widget-new-name').isVisible()).resolves.toBe(false);
    await save.getByRole('button', { name: 'Save widget' }).click();
    await expect
      .poll(() => save.locator('.save-status').innerText(), { timeout: 15_000 })
      .toBe('Saved “Revenue by device, last 24h” to “E2E shop”.');
    await page.locator('#dashboards .widget').nth(1).waitFor({ timeout: 15_000 });

    await page.reload();
    const listed = page.locator('#dashboards button[data-dashboard]', { hasText: 'E2E shop' });
    await listed.waitFor({ timeout: 15_000 });
    expect(await listed.innerText()).toContain('2 widgets');
    await listed.click();
    const open = page.locator('#dashboards .dashboard');
    await open.locator('.widget[data-kind="TIME_SERIES"] .chart canvas').waitFor({ timeout: 15_000 });
    expect(await open.locator('h3').innerText()).toBe('E2E shop');
    expect(await listed.getAttribute('aria-pressed')).toBe('true');
    // Saved over the last 24h, so it opens over the last 24h ending now, with the same revenue.
    expect(await page.locator('#dashboards select[name="range"]').inputValue()).toBe('24h');
    expect(
      await open.locator('.widget[data-kind="TIME_SERIES"] [data-total]').getAttribute('data-total'),
    ).toBe('240.5');
    expect(
      Number(await open.locator('.widget[data-kind="TIME_SERIES"] .chart').getAttribute('data-points')),
    ).toBeGreaterThan(0);
    expect(await open.locator('.widget[data-kind="BAR"] li').count()).toBeGreaterThan(0);
    await shot('09-saved-dashboard', '#dashboards');
  });

  it('draws the cohort heatmap, the journey Sankey and one user’s timeline from tracked events', async () => {
    // e2e-user-1 came twice before, 10 and 9 days ago: a returning user across cohorts and sessions.
    const ago = (days: number, plusSeconds = 0) =>
      new Date(Date.now() - days * 86_400_000 + plusSeconds * 1000).toISOString();
    const old = (session: string, days: number, page: string) => [
      {
        user_id: 'e2e-user-1',
        session_id: session,
        event_type: 'page_view',
        timestamp: ago(days),
        context: { page_path: page },
      },
      {
        user_id: 'e2e-user-1',
        session_id: session,
        event_type: 'product_view',
        timestamp: ago(days, 40),
        properties: { product_id: 'p9', category: 'electronics', price: 15 },
      },
    ];
    expect((await track([...old('e2e-old-1a', 10, '/'), ...old('e2e-old-1b', 9, '/sale')])).accepted).toBe(4);

    const heat = page.locator('#cohorts table.heatmap tbody tr');
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.locator('#cohorts .panel-body:not([data-state="loading"])').waitFor();
          return heat.count();
        },
        { timeout: 45_000, interval: 1500 },
      )
      .toBe(2);
    // The older cohort (one user) came back on day 1; every cell shows its value, the legend its range.
    const first = heat.first().locator('td.cell');
    expect((await first.allInnerTexts()).slice(0, 2)).toEqual(['100%', '100%']);
    expect(await heat.first().locator('td.size').innerText()).toBe('1');
    expect(await heat.nth(1).locator('td.size').innerText()).toBe('2');
    expect(await page.locator('#cohorts .legend').innerText()).toContain('0%');
    await shot('10-cohorts', '#cohorts');

    const sankey = page.locator('#journeys svg.sankey');
    await sankey.waitFor({ timeout: 20_000 });
    expect(Number(await sankey.getAttribute('data-links'))).toBeGreaterThanOrEqual(5);
    expect(await sankey.locator('path').count()).toBe(Number(await sankey.getAttribute('data-links')));
    const labels = await sankey.locator('text').allTextContents();
    expect(labels).toContain('Purchase (2)');
    expect(labels).toContain('Page view (3)');
    await page.locator('#journeys .data-table summary').click();
    await page.locator('#journeys .data-table tbody tr').first().waitFor({ timeout: 5_000 });
    expect(await page.locator('#journeys .data-table tbody tr').count()).toBe(
      Number(await sankey.getAttribute('data-links')),
    );
    await shot('11-journey-paths', '#journeys');

    await page.locator('#journey-user').fill('e2e-user-1');
    await page.getByRole('button', { name: 'Show journey' }).click();
    const sessions = page.locator('#user-journey .session');
    await sessions.first().waitFor({ timeout: 20_000 });
    expect(await sessions.evaluateAll((els) => els.map((e) => e.getAttribute('data-session')))).toEqual([
      'e2e-sess-1',
      'e2e-old-1b',
      'e2e-old-1a',
    ]);
    expect(await sessions.first().locator('.touchpoints li').allInnerTexts()).toHaveLength(5);
    expect(await sessions.first().locator('.touchpoints li').last().innerText()).toMatch(
      /Purchase\s+order e2e-order-1 · €120\.00/,
    );
    await shot('12-user-journey', '#user-journey');

    // A user in the live event feed opens their journey, and focus follows to it.
    await track([{ user_id: 'e2e-user-2', session_id: 'e2e-sess-2', event_type: 'page_view' }]);
    const inFeed = page.locator('#overview .feed button', { hasText: 'e2e-user-2' }).first();
    await inFeed.waitFor({ timeout: 15_000 });
    await inFeed.click();
    await page.locator('#user-journey .session[data-session="e2e-sess-2"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('#journey-user').inputValue()).toBe('e2e-user-2');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('user-journey');
    expect(foreign).toEqual([]);
  });

  it('is accessible: no axe WCAG A/AA violations, keyboard order from a skip link, visible focus', async () => {
    await page.reload();
    await page.locator('.status[data-status="live"]').waitFor({ timeout: 20_000 });
    await page.locator('#cohorts .panel-body[data-state="ready"]').waitFor({ timeout: 20_000 });
    await page.addScriptTag({ content: axe.source });
    const audit = await page.evaluate(async () => {
      const r = await (window as unknown as { axe: typeof axe }).axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      });
      return {
        passed: r.passes.length,
        violations: r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      };
    });
    expect(audit.violations).toEqual([]);
    // The audit ran its rules over this page (labels, contrast, names, ARIA …), not over nothing.
    expect(audit.passed).toBeGreaterThan(15);

    // Tab from the top: the skip link, the section links, then the account button.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const focused: string[] = [];
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      focused.push(await page.evaluate(() => document.activeElement?.textContent?.trim() ?? ''));
    }
    expect(focused).toEqual([
      'Skip to content',
      'Live',
      'Metrics',
      'Dashboards',
      'Forecast',
      'Funnel',
      'Cohorts',
      'Paths',
      'User journey',
      'Sign in',
    ]);
    const outline = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement as Element);
      return `${s.outlineStyle} ${s.outlineWidth}`;
    });
    expect(outline).toBe('solid 3px');
    // A section link moves focus to its section.
    await page.getByRole('link', { name: 'Cohorts' }).press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('cohorts');
  });

  it('fits a phone (390 px) and 1280 px without horizontal overflow', async () => {
    // How far the page scrolls sideways, and the outermost elements that stick out (for the message).
    const overflow = () =>
      page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        const sticksOut = (e: Element) => e.getBoundingClientRect().right > width + 0.5;
        // Inside a sideways-scrolling box that itself fits, an element may be wider: it scrolls there.
        const scrolled = (e: Element) => {
          for (let a = e.parentElement; a !== null && a !== document.body; a = a.parentElement)
            if (getComputedStyle(a).overflowX !== 'visible') return !sticksOut(a);
          return false;
        };
        const out = [...document.querySelectorAll('body *')]
          .filter((e) => sticksOut(e) && !scrolled(e))
          .filter((e) => !(e.parentElement && e.parentElement.getBoundingClientRect().right > width + 0.5))
          .map(
            (e) => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`,
          );
        return { by: document.documentElement.scrollWidth - width, out: out.slice(0, 5) };
      });
    expect(await overflow()).toEqual({ by: 0, out: [] });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.locator('#cohorts .panel-body[data-state="ready"]').waitFor({ timeout: 20_000 });
    await page.locator('#journeys svg.sankey').waitFor({ timeout: 20_000 });
    await page.locator('#metrics .chart canvas').waitFor({ timeout: 20_000 });
    expect(await overflow()).toEqual({ by: 0, out: [] });
    await shot('13-phone-390');
    await page.setViewportSize({ width: 1280, height: 1600 });
  });

  it('with auth on: asks for a token, says when one is refused, then reads with a reader token', async () => {
    const jwt = {
      secret: 'e2e-secret-of-at-least-32-bytes-long!',
      issuer: 'https://auth.e2e',
      audience: 'broxiva',
    };
    const authBase = await stack.startAuthGateway(jwt);
    const sign = (roles: string[], exp: string) =>
      new SignJWT({ roles })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(`e2e-${roles.join('-')}-${exp}`)
        .setIssuer(jwt.issuer)
        .setAudience(jwt.audience)
        .setIssuedAt()
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode(jwt.secret));
    const context = await browser.newContext({ viewport: { width: 1280, height: 1200 } });
    const p = await context.newPage();
    await p.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(authBase) || url.startsWith('data:')) return route.continue();
      foreign.push(url);
      return route.abort();
    });
    try {
      await p.goto(authBase);
      const why = p.locator('#login-why');
      await why.waitFor({ timeout: 15_000 });
      expect(await why.innerText()).toBe(
        'This gateway requires sign-in: paste a token (JWT) with the reader role.',
      );
      await p.screenshot({ path: `${OUT}14-login.png` });

      await p.getByLabel('Token (JWT)').fill(await sign(['reader'], '-1m'));
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.waitForLoadState('load');
      await expect
        .poll(
          () =>
            p
              .locator('#login-why')
              .innerText()
              .catch(() => ''),
          { timeout: 15_000 },
        )
        .toBe(
          'Your token was refused (invalid token: ERR_JWT_EXPIRED). It may have expired: paste a new one.',
        );

      const reader = await sign(['reader'], '10m');
      await p.getByLabel('Token (JWT)').fill(reader);
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.locator('.status[data-status="live"]').waitFor({ timeout: 20_000 });
      await expect
        .poll(
          () =>
            p
              .locator('#metrics [data-total]')
              .getAttribute('data-total')
              .catch(() => null),
          {
            timeout: 20_000,
          },
        )
        .toBe('240.5');
      expect(await p.evaluate(() => [sessionStorage.getItem('broxiva.token'), localStorage.length])).toEqual([
        reader,
        0,
      ]);
      // A reader may read dashboards but not save one: the form says which role it takes.
      await p.locator('#dashboards button[data-dashboard]').first().waitFor({ timeout: 15_000 });
      const save = p.locator('#metrics .save-widget');
      await save.locator('summary').click();
      await save.getByRole('button', { name: 'Save widget' }).click();
      await expect
        .poll(() => save.locator('.save-status').innerText(), { timeout: 15_000 })
        .toBe('Saving dashboards needs a token with the admin role.');
      await p.screenshot({ path: `${OUT}15-signed-in-reader.png` });

      // Signing out forgets the token: the next load asks again.
      await p.getByRole('button', { name: 'Sign out' }).click();
      await p.locator('#login-why').waitFor({ timeout: 15_000 });
      expect(await p.evaluate(() => sessionStorage.getItem('broxiva.token'))).toBeNull();
    } finally {
      await context.close();
    }
    expect(foreign).toEqual([]);
  });

  it('shows which service is down when one stops', async () => {
    await stack.apps.insights.stop();
    await page.locator('#funnel select[name="days"]').selectOption('1');
    const err = page.locator('#funnel .error[data-service="insights"]');
    await err.waitFor({ timeout: 15_000 });
    expect(await err.innerText()).toContain('Insights service unavailable');

    await stack.apps.realtime.stop();
    const status = page.locator('#overview .status[data-status="error"]');
    await status.waitFor({ timeout: 20_000 });
    expect(await status.innerText()).toMatch(/^Realtime service unavailable/);
    // The other panels keep their data.
    expect(await page.locator('#metrics .panel-body').getAttribute('data-state')).toBe('ready');
    await shot('07-services-down');

    await page.setViewportSize({ width: 390, height: 844 });
    await shot('08-phone');
    expect(foreign).toEqual([]);
  });
});
