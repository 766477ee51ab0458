// Renders a PDF report with tables and charts from the rollups:
// `npm run report -w apps/metrics -- --type sales_summary --start 2025-11-01 --end 2025-12-01 --output sales.pdf`.
import { pgPool } from '@broxiva/db';
import { createMetricsReader } from '@broxiva/metrics-data-access';
import { loadConfig } from '../config.js';
import { renderReportPdf } from '../reports/pdf-renderer.js';
import {
  REPORT_SPECS,
  REPORT_TYPES,
  salesSummaryDocument,
  trafficOverviewDocument,
} from '../reports/report-builders.js';
import { loadReportData } from '../reports/report-data.js';
import { checkRange, parseChoice, parseInstant, required } from './args.js';
import { parseCommand, runCommand } from './cli.js';

const HELP = `report --type sales_summary|traffic_overview --start ISO --end ISO --output FILE.pdf

Renders a PDF report of [start, end) compared with the period of the same length before it:
  sales_summary     revenue, orders, average order value, items sold, conversion rate; revenue and
                    orders per day; revenue by category and region; day-by-day table
  traffic_overview  sessions, users, new users, page and product views, conversion and cart abandonment
                    rates; sessions and users per day; sessions by device, channel, country, referrer
Prints {file, pages, bytes} as JSON.

Options:
  --type TYPE     sales_summary or traffic_overview (required)
  --start ISO     inclusive start: 2025-11-01T00:00:00Z, or a day (midnight in SHOP_TIMEZONE) (required)
  --end ISO       exclusive end, after --start, same forms (required)
  --output FILE   the PDF to write (required)
  -h, --help      this text

Environment: ANALYTICS_DATABASE_URL, SHOP_TIMEZONE, SHOP_CURRENCY, QUERY_TIMEOUT.`;

const BUILDERS = { sales_summary: salesSummaryDocument, traffic_overview: trafficOverviewDocument };

runCommand('report', async () => {
  const values = parseCommand(
    process.argv.slice(2),
    {
      type: { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      output: { type: 'string' },
    },
    HELP,
  );
  const config = loadConfig(process.env);
  const timeZone = config.rollups.shopTimeZone;
  const type = parseChoice('type', values.type, REPORT_TYPES);
  const range = checkRange(
    parseInstant('start', values.start, timeZone),
    parseInstant('end', values.end, timeZone),
  );
  const output = required('output', values.output);
  const pool = pgPool(config.analyticsDatabaseUrl, { max: 2 });
  try {
    const reader = createMetricsReader({ pool, timeoutMs: config.queries.timeoutMs });
    const data = await loadReportData(reader, range, REPORT_SPECS[type], {
      timeZone,
      currency: config.queries.currency,
    });
    const { pages } = await renderReportPdf(BUILDERS[type](data, new Date()), output);
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(output));
    console.log(JSON.stringify({ file: output, type, pages, bytes: size }));
  } finally {
    await pool.end();
  }
});
