// Exports raw events of a time range to CSV, NDJSON or Parquet, streamed in constant memory:
// `npm run export -w apps/metrics -- --start 2025-11-01 --end 2025-12-01 --format parquet --output ./out`.
import { pgPool } from '@broxiva/db';
import { EXPORT_FORMATS, exportEvents } from '@broxiva/metrics-data-access';
import { loadConfig } from '../config.js';
import { checkRange, parseChoice, parseInstant, required } from './args.js';
import { parseCommand, progress, runCommand } from './cli.js';

const HELP = `export --start ISO --end ISO --format csv|json|parquet --output DIR

Writes the raw events with start <= time < end into one file in DIR, named
events_<start>_<end>.<csv|ndjson|parquet>, streamed from PostgreSQL in constant memory (CSV and JSON
through a cursor; Parquet through a binary COPY, encoded in a worker thread).
Prints {file, rows, bytes, seconds} as JSON.

Options:
  --start ISO       inclusive start: 2025-11-01T00:00:00Z, or a day (midnight in SHOP_TIMEZONE) (required)
  --end ISO         exclusive end, after --start, same forms (required)
  --format FORMAT   csv (with a header row), json (one JSON object per line) or parquet (typed columns,
                    properties and items as JSON text, row groups of 65,536 rows) (required)
  --output DIR      directory to write into, created if missing (required)
  -h, --help        this text

Environment: ANALYTICS_DATABASE_URL, SHOP_TIMEZONE.`;

runCommand('export', async () => {
  const values = parseCommand(
    process.argv.slice(2),
    {
      start: { type: 'string' },
      end: { type: 'string' },
      format: { type: 'string' },
      output: { type: 'string' },
    },
    HELP,
  );
  const config = loadConfig(process.env);
  const tz = config.rollups.shopTimeZone;
  const format = parseChoice('format', values.format, EXPORT_FORMATS);
  const { start, end } = checkRange(
    parseInstant('start', values.start, tz),
    parseInstant('end', values.end, tz),
  );
  const outputDir = required('output', values.output);
  const pool = pgPool(config.analyticsDatabaseUrl, { max: 2 });
  // Progress is the share of the time range the stream has reached (partitions come in time order).
  const hours = Math.ceil((end.getTime() - start.getTime()) / 3_600_000);
  const bar = progress('export', hours, 'hours');
  try {
    const result = await exportEvents(pool, {
      start,
      end,
      format,
      outputDir,
      onProgress: (rows, reached) =>
        bar.update(Math.floor((reached.getTime() - start.getTime()) / 3_600_000), { rows }),
    });
    bar.update(hours, { rows: result.rows });
    bar.stop();
    console.log(JSON.stringify({ ...result, seconds: Math.round(result.seconds * 1000) / 1000 }));
  } finally {
    bar.stop();
    await pool.end();
  }
});
