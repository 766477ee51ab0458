import type { ActivityDimension } from '@broxiva/event-store';

/** Breakdown dimensions and the events column each reads (also kept per user in the activity tables). */
export const BREAKDOWN_COLUMNS: Readonly<Record<string, ActivityDimension>> = {
  channel: 'channel',
  region: 'region',
  device: 'device_type',
  device_type: 'device_type',
  country: 'country',
  browser: 'browser',
  os: 'os',
};
