import { pgPool } from '@broxiva/db';
import { createEventWriter, createPartitionManager } from '@broxiva/event-store';
import { createRollupWorker } from '@broxiva/metrics-data-access';
import { fixtureEvents, testEvent, withAnalyticsDatabase } from '@broxiva/metrics-data-access/testing';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The commands run as the operator runs them: `tsx src/commands/<name>.ts`, in their own process.
const APP = resolve(import.meta.dirname, '../..');
const TSX = resolve(APP, '../../node_modules/.bin/tsx');

let db: Awaited<ReturnType<typeof withAnalyticsDatabase>>;
let dir: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[]): Promise<Run> {
  const env = {
    ...process.env,
    ANALYTICS_DATABASE_URL: db.url,
    SHOP_TIMEZONE: 'UTC',
    SHOP_CURRENCY: 'EUR',
    QUERY_CACHE_TTL_SECONDS: '0',
  };
  return new Promise((done) => {
    execFile(TSX, [`src/commands/${command}.ts`, ...args], { cwd: APP, env }, (err, stdout, stderr) =>
      done({ code: err === null ? 0 : Number(err.code ?? 1), stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  db = await withAnalyticsDatabase();
  await db.write(fixtureEvents());
  await createRollupWorker({ pool: db.pool, shopTimeZone: 'UTC' }).drain();
  dir = await mkdtemp(join(tmpdir(), 'broxiva-commands-'));
});
afterAll(async () => {
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

/** Every rollup row of 3 November 2025 (UTC), in a stable order, without its update time. */
async function dayRows() {
  const q = async (sql: string) => (await db.pool.query(sql)).rows;
  const range = `hour >= '2025-11-03T00:00:00Z' AND hour < '2025-11-04T00:00:00Z'`;
  return {
    hourly: await q(`SELECT * FROM rollup_hourly WHERE ${range} ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10`),
    category: await q(
      `SELECT * FROM rollup_hourly_category WHERE ${range} ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11`,
    ),
    daily: await q(`SELECT * FROM daily_metrics WHERE day = '2025-11-03'`).then((rows) =>
      rows.map(({ updated_at: _, ...r }: Record<string, unknown>) => r),
    ),
  };
}

// Each case starts tsx processes; on a busy machine that takes seconds each.
describe('batch commands', { timeout: 180_000 }, () => {
  it('print their options with --help and exit 0', async () => {
    const expected: Record<string, string[]> = {
      aggregate: ['--date'],
      'monthly-report': ['--month', '--output', '--format'],
      export: ['--start', '--end', '--format', '--output'],
      report: ['--type', '--start', '--end', '--output', 'sales_summary', 'traffic_overview'],
    };
    const runs = await Promise.all(Object.keys(expected).map((c) => run(c, ['--help'])));
    Object.values(expected).forEach((options, i) => {
      expect(runs[i]?.code).toBe(0);
      for (const o of options) expect(runs[i]?.stdout).toContain(o);
    });
  });

  it('refuse bad arguments with exit code 2 and a message naming the option', async () => {
    const cases: [string, string[], string][] = [
      ['aggregate', ['--date', '2025-02-30'], '--date must be a calendar day YYYY-MM-DD, got "2025-02-30"'],
      ['monthly-report', ['--month', '2025-13'], '--month must be a month YYYY-MM'],
      ['monthly-report', ['--month', '2025-11', '--format', 'pdf'], '--output is required'],
      [
        'export',
        ['--start', '2025-11-01', '--end', '2025-12-01', '--format', 'xml', '--output', dir],
        '--format must be one of csv, json, parquet, got "xml"',
      ],
      [
        'export',
        ['--start', '2025-12-01', '--end', '2025-11-01', '--format', 'csv', '--output', dir],
        '--end (2025-11-01T00:00:00.000Z) must be after --start (2025-12-01T00:00:00.000Z)',
      ],
      [
        'report',
        ['--type', 'weekly', '--start', '2025-11-01', '--end', '2025-12-01'],
        '--type must be one of',
      ],
      ['report', ['--rows', '5'], "Unknown option '--rows'"],
    ];
    const runs = await Promise.all(cases.map(([c, args]) => run(c, args)));
    cases.forEach(([, , message], i) => {
      expect(runs[i]?.code).toBe(2);
      expect(runs[i]?.stderr).toContain(message);
    });
  });

  it('aggregate recomputes a day idempotently and picks up a late event', async () => {
    const first = await run('aggregate', ['--date', '2025-11-03']);
    expect(first.code).toBe(0);
    const out = JSON.parse(first.stdout) as { hours: number; daily: Record<string, number> };
    expect(out.hours).toBe(24);
    expect(out.daily).toMatchObject({ revenue: 250, orders: 1, items_sold: 3, sessions: 1, page_views: 1 });
    const before = await dayRows();
    expect(before.hourly.length).toBeGreaterThan(0);

    expect((await run('aggregate', ['--date', '2025-11-03'])).code).toBe(0);
    expect(await dayRows()).toEqual(before);

    // Stored without anyone marking its hour dirty, after the day was rolled up.
    const pool = pgPool(db.url, { max: 1 });
    const write = createEventWriter({ pool, partitions: createPartitionManager(pool) });
    await write([
      testEvent('2025-11-03T15:20:00Z', {
        userId: 'late',
        sessionId: 's-late',
        eventType: 'purchase',
        commerce: {
          orderId: 'o-late',
          revenue: { amount: 40, currency: 'EUR' },
          items: [{ productId: 'p', category: 'toys', price: { amount: 20, currency: 'EUR' }, quantity: 2 }],
        },
      }),
    ]);
    await pool.end();
    const third = await run('aggregate', ['--date', '2025-11-03']);
    const after = JSON.parse(third.stdout) as { daily: Record<string, number> };
    expect(after.daily).toMatchObject({ revenue: 290, orders: 2, items_sold: 5, sessions: 2, users: 2 });
    const rows = await dayRows();
    expect(rows.category.filter((r: { category: string }) => r.category === 'toys')).toHaveLength(1);
    expect(rows.hourly).not.toEqual(before.hourly);
    const dirty = await db.pool.query(
      `SELECT count(*)::int AS n FROM rollup_dirty WHERE hour >= '2025-11-03' AND hour < '2025-11-04'`,
    );
    expect(dirty.rows[0]?.n).toBe(0);
  });

  it('export writes the range to DIR through the command', async () => {
    const r = await run('export', [
      ...['--start', '2025-11-05T00:00:00Z', '--end', '2025-11-06T00:00:00Z'],
      ...['--format', 'json', '--output', join(dir, 'export')],
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { file: string; rows: number };
    // u2's page view, add to cart and product view on 5 November.
    expect(out.rows).toBe(3);
    const lines = (await readFile(out.file, 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { event_type: string }).event_type).sort()).toEqual([
      'add_to_cart',
      'page_view',
      'product_view',
    ]);
  });

  it('report renders a sales summary PDF with the total revenue as printed', async () => {
    const file = join(dir, 'sales.pdf');
    const r = await run('report', [
      '--type',
      'sales_summary',
      '--start',
      '2025-11-01',
      '--end',
      '2025-12-01',
      '--output',
      file,
    ]);
    expect(r.code).toBe(0);
    const { pages } = JSON.parse(r.stdout) as { pages: number };
    const parser = new PDFParse({ data: await readFile(file) });
    const text = await parser.getText();
    await parser.destroy();
    expect(text.total).toBe(pages);
    expect(pages).toBe(3);
    // November: 250 + 80 (the late event above is on 3 November too: + 40); October 2–31: 100.
    expect(text.text).toContain('€370.00');
    expect(text.text).toContain('+270.00 % vs previous');
    expect(text.text).toContain('Revenue per day');
    expect(text.text).toContain(`Page ${pages} of ${pages}`);
  });

  it('report renders a traffic overview PDF', async () => {
    const file = join(dir, 'traffic.pdf');
    const r = await run('report', [
      '--type',
      'traffic_overview',
      '--start',
      '2025-11-01',
      '--end',
      '2025-12-01',
      '--output',
      file,
    ]);
    expect(r.code).toBe(0);
    const parser = new PDFParse({ data: await readFile(file) });
    const text = await parser.getText();
    await parser.destroy();
    expect(text.text).toContain('Traffic overview');
    expect(text.text).toContain('Sessions by device');
    expect(text.text).toMatch(/Sessions\s+5\b/);
  });

  it('monthly-report gives the month against the calendar month before, as JSON and as PDF', async () => {
    const r = await run('monthly-report', ['--month', '2025-11']);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout) as {
      totals: Record<string, number>;
      previousMonth: { start: string; totals: Record<string, number> };
      changePercent: Record<string, number>;
      daily: { day: string; revenue: number }[];
      topCategories: { key: string; value: number }[];
      topRegions: { key: string; value: number }[];
    };
    expect(m.totals).toMatchObject({ revenue: 370, orders: 3 });
    expect(m.previousMonth.start).toBe('2025-10-01T00:00:00.000Z');
    expect(m.previousMonth.totals).toMatchObject({ revenue: 100, orders: 1 });
    expect(m.changePercent.revenue).toBe(270);
    expect(m.daily).toHaveLength(30);
    expect(m.daily.find((d) => d.day === '2025-11-03')?.revenue).toBe(290);
    expect(m.topCategories).toEqual([
      { key: 'electronics', value: 280 },
      { key: 'books', value: 50 },
      { key: 'toys', value: 40 },
    ]);
    expect(m.topRegions).toEqual([
      { key: 'Bavaria', value: 250 },
      { key: 'Berlin', value: 80 },
      // Regions with visits but no orders are listed too, after those with revenue.
      { key: 'California', value: 0 },
    ]);

    const file = join(dir, 'monthly.pdf');
    const pdf = await run('monthly-report', ['--month', '2025-11', '--format', 'pdf', '--output', file]);
    expect(pdf.code).toBe(0);
    const parser = new PDFParse({ data: await readFile(file) });
    const text = await parser.getText();
    await parser.destroy();
    expect(text.text).toContain('Monthly report 2025-11');
    expect(text.text).toContain('€370.00');
  });
});
