import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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
