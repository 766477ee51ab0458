import { isbot } from 'isbot';
import UAParser from 'ua-parser-js';
import type { Channel, EventContext, Enrichment } from './event.js';

/** Country and region for an IP, from a GeoIP database when one is configured. */
export type GeoLookup = (ip: string) => { country: string; region: string } | undefined;

const SEARCH = /(^|\.)(google|bing|duckduckgo|yahoo|baidu|yandex|ecosia|qwant|startpage|search\.brave)\./;
const SOCIAL =
  /(^|\.)(facebook|fb|instagram|t|twitter|x|linkedin|lnkd|pinterest|tiktok|youtube|reddit|snapchat|threads)\.(com|co|me|net|in)$/;
const PAID_MEDIUM = /^(cpc|ppc|paid|paidsearch|paid_search|paid_social|display|cpm|affiliate|retargeting)$/;
const MOBILE_OS = /^(iOS|Android|Windows Phone|BlackBerry|KaiOS|HarmonyOS)$/;

/** What the user agent says about the device. */
export type UserAgentInfo = Pick<
  Enrichment,
  'deviceType' | 'browser' | 'browserVersion' | 'os' | 'osVersion' | 'isBot'
>;

export type UserAgentParser = (userAgent: string) => UserAgentInfo;

/** Parses a user agent with ua-parser-js and isbot. */
export function parseUserAgent(userAgent: string): UserAgentInfo {
  if (userAgent === '') {
    return { deviceType: 'unknown', browser: '', browserVersion: '', os: '', osVersion: '', isBot: false };
  }
  const ua = new UAParser(userAgent).getResult();
  const os = ua.os.name ?? '';
  return {
    deviceType: ua.device.type ?? (MOBILE_OS.test(os) ? 'mobile' : 'desktop'),
    browser: ua.browser.name ?? '',
    browserVersion: ua.browser.major ?? '',
    os,
    osVersion: ua.os.version ?? '',
    isBot: isbot(userAgent),
  };
}

/**
 * `parseUserAgent` with a bounded memo: a shop's traffic repeats a few thousand user agents, and parsing
 * one costs tens of microseconds, the largest share of ingest CPU. Oldest entries go first when full.
 */
export function createUserAgentParser(maxEntries = 10_000): UserAgentParser {
  const memo = new Map<string, UserAgentInfo>();
  return (userAgent) => {
    let info = memo.get(userAgent);
    if (info === undefined) {
      info = parseUserAgent(userAgent);
      if (memo.size >= maxEntries) memo.delete(memo.keys().next().value as string);
      memo.set(userAgent, info);
    }
    return info;
  };
}

/**
 * Device, browser, OS and bot flag from the user agent; referrer domain and acquisition channel from
 * referrer and utm fields; country/region from GeoIP when a lookup is given, else what the client sent.
 * The IP itself is not part of the result (privacy by default).
 */
export function enrich(
  ctx: EventContext,
  geo: GeoLookup | undefined,
  parse: UserAgentParser = parseUserAgent,
): Enrichment {
  const referrerDomain = domainOf(ctx.referrer);
  const located = geo !== undefined && ctx.ip !== '' ? geo(ctx.ip) : undefined;
  const ua = parse(ctx.userAgent);
  // Written out rather than spread (see prepareEvent).
  return {
    deviceType: ua.deviceType,
    browser: ua.browser,
    browserVersion: ua.browserVersion,
    os: ua.os,
    osVersion: ua.osVersion,
    isBot: ua.isBot,
    country: located?.country ?? ctx.country,
    region: located?.region ?? ctx.region,
    referrerDomain,
    channel: channelOf(ctx, referrerDomain),
  };
}

/** "https://www.google.com/search?q=x" and "google.com" both give "google.com"; unparsable gives "". */
export function domainOf(referrer: string): string {
  if (referrer === '') return '';
  try {
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(referrer) ? referrer : `https://${referrer}`;
    return new URL(withScheme).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return '';
  }
}

/** The acquisition channel, by the usual precedence: paid and email utm first, then referrer kind. */
export function channelOf(ctx: EventContext, referrerDomain: string): Channel {
  const medium = ctx.utm.medium.toLowerCase();
  if (PAID_MEDIUM.test(medium)) return 'paid';
  if (medium === 'email' || medium === 'newsletter') return 'email';
  if (medium === 'social') return 'social';
  if (medium === 'organic') return 'organic_search';
  if (referrerDomain === '' || referrerDomain === domainOf(ctx.pageUrl)) {
    return ctx.utm.source !== '' ? 'referral' : 'direct';
  }
  if (SEARCH.test(`${referrerDomain}.`) || SEARCH.test(referrerDomain)) return 'organic_search';
  if (SOCIAL.test(referrerDomain)) return 'social';
  return 'referral';
}
