import { describe, expect, it } from 'vitest';
import { emptyContext } from './event.js';
import { createUserAgentParser, domainOf, enrich, parseUserAgent } from './enrich.js';

const CHROME_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

describe('enrich', () => {
  it('reads device, browser and OS from the user agent', () => {
    expect(enrich({ ...emptyContext, userAgent: CHROME_MAC }, undefined)).toMatchObject({
      deviceType: 'desktop',
      browser: 'Chrome',
      browserVersion: '120',
      os: 'Mac OS',
      isBot: false,
    });
    expect(enrich({ ...emptyContext, userAgent: SAFARI_IPHONE }, undefined)).toMatchObject({
      deviceType: 'mobile',
      browser: 'Mobile Safari',
      os: 'iOS',
      osVersion: '17.1',
    });
  });

  it('memoizes user agents within a bound, with the same answers as parsing', () => {
    const parse = createUserAgentParser(2);
    expect(parse(CHROME_MAC)).toEqual(parseUserAgent(CHROME_MAC));
    expect(parse(CHROME_MAC)).toBe(parse(CHROME_MAC));
    const first = parse(SAFARI_IPHONE);
    parse(GOOGLEBOT); // evicts CHROME_MAC, the oldest
    expect(parse(SAFARI_IPHONE)).toBe(first);
    expect(parse('')).toEqual({
      deviceType: 'unknown',
      browser: '',
      browserVersion: '',
      os: '',
      osVersion: '',
      isBot: false,
    });
  });

  it('flags crawlers as bots and keeps them', () => {
    expect(enrich({ ...emptyContext, userAgent: GOOGLEBOT }, undefined).isBot).toBe(true);
  });

  it('uses GeoIP only when a lookup is configured, and the client value otherwise', () => {
    const ctx = { ...emptyContext, ip: '203.0.113.9', country: 'FR', region: 'IDF' };
    expect(enrich(ctx, undefined)).toMatchObject({ country: 'FR', region: 'IDF' });
    expect(
      enrich(ctx, (ip) => (ip === '203.0.113.9' ? { country: 'DE', region: 'BE' } : undefined)),
    ).toMatchObject({
      country: 'DE',
      region: 'BE',
    });
  });

  it.each([
    [{ referrer: 'google.com' }, 'organic_search'],
    [{ referrer: 'https://www.bing.com/search?q=x' }, 'organic_search'],
    [{ referrer: 'https://l.facebook.com/' }, 'social'],
    [{ referrer: 'https://blog.example.org/post' }, 'referral'],
    [{ referrer: '' }, 'direct'],
    [
      { referrer: 'https://google.com', utm: { ...emptyContext.utm, medium: 'cpc', source: 'google' } },
      'paid',
    ],
    [{ utm: { ...emptyContext.utm, medium: 'email', source: 'newsletter' } }, 'email'],
  ] as const)('classifies %o as %s', (ctx, channel) => {
    expect(enrich({ ...emptyContext, ...ctx }, undefined).channel).toBe(channel);
  });

  it('reduces referrers to their domain', () => {
    expect(domainOf('https://www.google.com/search?q=x')).toBe('google.com');
    expect(domainOf('google.com')).toBe('google.com');
    expect(domainOf('::not a url')).toBe('');
  });
});
