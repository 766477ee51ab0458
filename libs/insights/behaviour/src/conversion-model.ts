import { brierScore, calibrationBins, rocAuc, type CalibrationBin } from './classification-metrics.js';
import { contributions, fitLogistic, predictProbability, type LogisticModel } from './logistic-regression.js';

/**
 * One user's behaviour before a cutoff instant, over a lookback window (CONVERSION_LOOKBACK_DAYS): what
 * the conversion model reads. Bot traffic is not counted.
 */
export interface UserActivity {
  readonly events: number;
  /** Distinct session ids (events without one count as one more session). */
  readonly sessions: number;
  readonly pageViews: number;
  readonly productViews: number;
  readonly addToCarts: number;
  /** Sum of the add_to_cart events' values (shop currency). */
  readonly cartValue: number;
  readonly checkoutStarts: number;
  /** Purchases in the window. */
  readonly orders: number;
  /** Days from the first event in the window to the cutoff (at most the window's length). */
  readonly daysSinceFirstSeen: number;
  /** Days from the last event before the cutoff to the cutoff (recency). */
  readonly daysSinceLastSeen: number;
  /** Sessions in the 7 days before the cutoff (as `sessions`). */
  readonly recentSessions: number;
  /** add_to_cart events in the 7 days before the cutoff. */
  readonly recentAddToCarts: number;
  /** Events per acquisition channel (direct, organic_search, paid, social, email, referral). */
  readonly channelEvents: Readonly<Record<string, number>>;
  /** Events per device type (desktop, mobile, tablet, unknown). */
  readonly deviceEvents: Readonly<Record<string, number>>;
}

interface FeatureDef {
  readonly name: string;
  readonly description: string;
  /** The value shown to users (before any transform). */
  readonly raw: (a: UserActivity) => number;
  /** The model's input. */
  readonly value: (a: UserActivity) => number;
}

const count = (name: string, description: string, get: (a: UserActivity) => number): FeatureDef => ({
  name,
  description: `${description}; the model reads log(1 + count)`,
  raw: get,
  value: (a) => Math.log1p(Math.max(0, get(a))),
});
const share = (
  name: string,
  description: string,
  pick: (a: UserActivity) => Readonly<Record<string, number>>,
  key: string,
): FeatureDef => {
  const get = (a: UserActivity) => (a.events > 0 ? (pick(a)[key] ?? 0) / a.events : 0);
  return { name, description, raw: get, value: get };
};

/**
 * The model's features, in order. Counts are log-transformed (one more page view matters less to a user
 * with fifty); shares are 0-1 (direct traffic and desktop/unknown devices are the baselines).
 */
export const CONVERSION_FEATURES: readonly FeatureDef[] = [
  count('sessions', 'sessions in the window', (a) => a.sessions),
  count('page_views', 'page_view events', (a) => a.pageViews),
  count('product_views', 'product_view events', (a) => a.productViews),
  count('add_to_cart', 'add_to_cart events', (a) => a.addToCarts),
  count('cart_value', 'value added to the cart (shop currency)', (a) => a.cartValue),
  count('checkout_starts', 'checkout_start events', (a) => a.checkoutStarts),
  count('orders', 'purchases in the window', (a) => a.orders),
  {
    name: 'days_since_first_seen',
    description: 'days from the first event in the window to the cutoff',
    raw: (a) => a.daysSinceFirstSeen,
    value: (a) => a.daysSinceFirstSeen,
  },
  {
    name: 'days_since_last_seen',
    description: 'days from the last event to the cutoff (recency); the model reads log(1 + days)',
    raw: (a) => a.daysSinceLastSeen,
    // Shoppers come back in bursts: yesterday versus a week ago matters far more than 60 versus 66 days.
    value: (a) => Math.log1p(Math.max(0, a.daysSinceLastSeen)),
  },
  count('recent_sessions', 'sessions in the 7 days before the cutoff', (a) => a.recentSessions),
  count(
    'recent_add_to_cart',
    'add_to_cart events in the 7 days before the cutoff',
    (a) => a.recentAddToCarts,
  ),
  share('channel_paid', 'share (0-1) of events from paid traffic', (a) => a.channelEvents, 'paid'),
  share(
    'channel_organic_search',
    'share (0-1) of events from organic search',
    (a) => a.channelEvents,
    'organic_search',
  ),
  share('channel_social', 'share (0-1) of events from social media', (a) => a.channelEvents, 'social'),
  share('channel_email', 'share (0-1) of events from email', (a) => a.channelEvents, 'email'),
  share('channel_referral', 'share (0-1) of events from referrals', (a) => a.channelEvents, 'referral'),
  share('device_mobile', 'share (0-1) of events on a mobile phone', (a) => a.deviceEvents, 'mobile'),
  share('device_tablet', 'share (0-1) of events on a tablet', (a) => a.deviceEvents, 'tablet'),
];

/** The model's input vector for one user. */
export function conversionFeatures(a: UserActivity): number[] {
  return CONVERSION_FEATURES.map((f) => f.value(a));
}

export interface ConversionExample {
  readonly userId: string;
  readonly activity: UserActivity;
  /** 1 when the user purchased within the horizon after the cutoff. */
  readonly label: 0 | 1;
}

export interface ConversionTrainingOptions {
  /** Share (0-1) of users held out for evaluation, chosen by a hash of the user id; default 0.2. */
  readonly holdoutFraction?: number;
  /** L2 penalty on the standardised coefficients; default 1. */
  readonly l2?: number;
  /** Fewest positives and negatives each the training part must have; default 10. */
  readonly minClassSize?: number;
}

/** A trained model and how well it did on users it never saw. */
export interface ConversionModel {
  readonly model: LogisticModel;
  readonly features: readonly string[];
  readonly trainingUsers: number;
  readonly heldOutUsers: number;
  /** Share of training users who purchased within the horizon. */
  readonly trainingPositiveRate: number;
  /** Held-out ROC AUC (Mann–Whitney); NaN when the held-out users are all of one class. */
  readonly heldOutAuc: number;
  /** Held-out Brier score (mean squared error of the probability). */
  readonly heldOutBrier: number;
  /** Held-out reliability table in ten probability bins. */
  readonly calibration: readonly CalibrationBin[];
}

/** Too little data to fit a model, e.g. nobody purchased in the label window. */
export class NotEnoughTrainingDataError extends Error {}

/** Whether a user is in the held-out part: a hash of the id, so a user keeps their side across retrains. */
export function isHeldOut(userId: string, fraction: number): boolean {
  let h = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    h ^= userId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // MurmurHash3's finaliser spreads FNV's low-bit differences (user_1, user_2, …) over all bits.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296 < fraction;
}

/**
 * Examples as flat typed arrays (row-major features, labels, held-out flags): the form a worker thread
 * receives without copying (transferable buffers), and all the fitting reads.
 */
export interface ConversionDataset {
  /** n × CONVERSION_FEATURES.length model inputs, row-major. */
  readonly features: Float64Array<ArrayBuffer>;
  readonly labels: Uint8Array<ArrayBuffer>;
  /** 1 for users held out for evaluation. */
  readonly heldOut: Uint8Array<ArrayBuffer>;
}

/** The dataset of `examples`, in their order; `holdoutFraction` as in ConversionTrainingOptions. */
export function conversionDataset(
  examples: readonly ConversionExample[],
  holdoutFraction = 0.2,
): ConversionDataset {
  const p = CONVERSION_FEATURES.length;
  const features = new Float64Array(examples.length * p);
  const labels = new Uint8Array(examples.length);
  const heldOut = new Uint8Array(examples.length);
  examples.forEach((e, i) => {
    features.set(conversionFeatures(e.activity), i * p);
    labels[i] = e.label;
    heldOut[i] = isHeldOut(e.userId, holdoutFraction) ? 1 : 0;
  });
  return { features, labels, heldOut };
}

/** Fits the model on the training users and evaluates it on the held-out ones. */
export function trainConversionModel(
  examples: readonly ConversionExample[],
  opts: ConversionTrainingOptions = {},
): ConversionModel {
  return fitConversionModel(conversionDataset(examples, opts.holdoutFraction), opts);
}

/** `trainConversionModel` on a dataset (the held-out split is already in it). */
export function fitConversionModel(
  data: ConversionDataset,
  opts: Omit<ConversionTrainingOptions, 'holdoutFraction'> = {},
): ConversionModel {
  const minClass = opts.minClassSize ?? 10;
  const p = CONVERSION_FEATURES.length;
  if (data.features.length !== data.labels.length * p || data.heldOut.length !== data.labels.length)
    throw new RangeError('dataset arrays differ in length');
  const trainX: number[][] = [];
  const trainY: number[] = [];
  const testX: number[][] = [];
  const testY: number[] = [];
  for (let i = 0; i < data.labels.length; i++) {
    const held = data.heldOut[i] === 1;
    (held ? testX : trainX).push(Array.from(data.features.subarray(i * p, (i + 1) * p)));
    (held ? testY : trainY).push(data.labels[i]!);
  }
  const positives = trainY.reduce((s, v) => s + v, 0);
  if (positives < minClass || trainY.length - positives < minClass) {
    throw new NotEnoughTrainingDataError(
      `the conversion model needs at least ${minClass} buyers and ${minClass} non-buyers to train on ` +
        `(has ${positives} and ${trainY.length - positives})`,
    );
  }
  if (testY.length === 0) throw new NotEnoughTrainingDataError('no users left to evaluate the model on');
  const model = fitLogistic(trainX, trainY, opts.l2 === undefined ? {} : { l2: opts.l2 });
  const scores = testX.map((x) => predictProbability(model, x));
  return {
    model,
    features: CONVERSION_FEATURES.map((f) => f.name),
    trainingUsers: trainY.length,
    heldOutUsers: testY.length,
    trainingPositiveRate: positives / trainY.length,
    heldOutAuc: rocAuc(scores, testY),
    heldOutBrier: brierScore(scores, testY),
    calibration: calibrationBins(scores, testY, 10),
  };
}

export interface FeatureContribution {
  readonly feature: string;
  /** The user's value before any transform (a count, days, or a 0-1 share). */
  readonly value: number;
  /** Coefficient × standardised model input: the feature's signed share of the log-odds. */
  readonly contribution: number;
}

/** A user's probability and the features that move it most (largest |contribution| first). */
export function explainConversion(
  m: ConversionModel,
  activity: UserActivity,
  top = 5,
): { probability: number; contributions: FeatureContribution[] } {
  const x = conversionFeatures(activity);
  const c = contributions(m.model, x);
  return {
    probability: predictProbability(m.model, x),
    contributions: CONVERSION_FEATURES.map((f, j) => ({
      feature: f.name,
      value: f.raw(activity),
      contribution: c[j]!,
    }))
      .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
      .slice(0, top),
  };
}
