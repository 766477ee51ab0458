import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The public datasets of the accuracy benchmarks and tests (M4, NAB, Prophet's examples, the clickstream):
 * `BROXIVA_DATASETS` when set, else `../shared/datasets` beside the checkout. They are not copied into
 * the repository.
 */
export const DATASETS =
  process.env['BROXIVA_DATASETS'] ??
  join(dirname(fileURLToPath(import.meta.url)), '../../../shared/datasets');
