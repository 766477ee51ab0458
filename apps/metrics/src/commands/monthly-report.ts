// The month's main metrics from the rollups, against the calendar month before:
// `npm run monthly-report -w apps/metrics -- --month 2025-11 [--output FILE] [--format json|pdf]`.
import { pgPool } from '@broxiva/db';
import { createMetricsReader } from '@broxiva/metrics-data-access';
import { writeFile } from 'node:fs/promises';
import { loadConfig } from '../config.js';
import { renderReportPdf } from '../reports/pdf-renderer.js';
import { monthlyDocument, monthlyJson, REPORT_SPECS } from '../reports/report-builders.js';
import { loadReportData } from '../reports/report-data.js';
import { parseChoice, parseMonth, required, zonedMonth } from './args.js';
import { parseCommand, runCommand } from './cli.js';

const HELP = `monthly-report --month YYYY-MM [--output FILE] [--format json|pdf]

The month's main metrics (in SHOP_TIMEZONE) from the rollups: totals of revenue, orders, average order
value, items sold, conversion rate, sessions, users, new users and page views; the change of each against
the calendar month before; a per-day series of revenue, orders, sessions and users; the top categories and
regions by revenue.

Options:
  --month YYYY-MM   the month (required)
  --format FORMAT   json (default) or pdf (tables and charts)
  --output FILE     where to write it; json goes to stdout without it, pdf requires it
  -h, --help        this text

Environment: ANALYTICS_DATABASE_URL, SHOP_TIMEZONE, SHOP_CURRENCY, QUERY_TIMEOUT.`;

runCommand('monthly-report', async () => {
  const values = parseCommand(
    process.argv.slice(2),
    { month: { type: 'string' }, output: { type: 'string' }, format: { type: 'string', default: 'json' } },
    HELP,
  );
  const { year, month } = parseMonth('month', values.month);
  const format = parseChoice('format', values.format, ['json', 'pdf'] as const);
  const output = format === 'pdf' ? required('output', values.output) : values.output;
  const config = loadConfig(process.env);
  const timeZone = config.rollups.shopTimeZone;
  const label = `${year}-${String(month).padStart(2, '0')}`;
  const m = zonedMonth(year, month, timeZone);
  const pool = pgPool(config.analyticsDatabaseUrl, { max: 2 });
  try {
    const reader = createMetricsReader({ pool, timeoutMs: config.queries.timeoutMs });
    const data = await loadReportData(reader, m, REPORT_SPECS.monthly, {
      timeZone,
      currency: config.queries.currency,
      previous: m.previous,
    });
    if (format === 'pdf' && output !== undefined) {
      const { pages } = await renderReportPdf(monthlyDocument(data, label, new Date()), output);
      console.log(JSON.stringify({ file: output, month: label, pages }));
    } else if (output !== undefined) {
      await writeFile(output, `${JSON.stringify(monthlyJson(data, label), null, 2)}\n`);
      console.log(JSON.stringify({ file: output, month: label }));
    } else {
      console.log(JSON.stringify(monthlyJson(data, label), null, 2));
    }
  } finally {
    await pool.end();
  }
});
