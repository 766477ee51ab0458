export { ConfigError, type ConfigIssue } from './config-error.js';
export { flag, fraction, integer, oneOf, origins, parseEnv, text, timeZone, url, type Env } from './env.js';
export { analyticsEnvShape, loadAnalyticsEnv, type AnalyticsEnv } from './analytics-env.js';
export { busTopologyOptions } from './bus-topology-options.js';
