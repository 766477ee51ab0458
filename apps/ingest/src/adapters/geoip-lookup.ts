import maxmind, { type CityResponse } from 'maxmind';
import type { GeoLookup } from '@broxiva/ingest-domain';

/**
 * The fields read from an MMDB record. MaxMind's GeoIP2 / GeoLite2 City and Country databases carry
 * `country.iso_code` and `subdivisions[].iso_code`; the ip-location-db / DB-IP Lite builds carry
 * `country_code` (and `state1` in their city files).
 */
interface GeoRecord {
  readonly country?: { readonly iso_code?: string };
  readonly subdivisions?: readonly { readonly iso_code?: string }[];
  readonly country_code?: string;
  readonly state1?: string;
}

/**
 * Opens a GeoIP database (MMDB, read with `maxmind`) as the ingest domain's GeoLookup. The file is reloaded
 * when it is replaced on disk (a monthly database update needs no restart); lookups are cached.
 * An address the database does not cover gives undefined, and the client's own country/region stay.
 */
export async function openGeoLookup(path: string): Promise<GeoLookup> {
  const reader = await maxmind.open<CityResponse>(path, {
    cache: { max: 50_000 },
    watchForUpdates: true,
    watchForUpdatesNonPersistent: true,
  });
  return (ip) => {
    if (!maxmind.validate(ip)) return undefined;
    // City and Country records share the fields read here; ip-location-db records add their own.
    const record = reader.get(ip) as GeoRecord | null;
    const country = record?.country?.iso_code ?? record?.country_code ?? '';
    if (country === '') return undefined;
    return {
      country: country.toUpperCase(),
      region: record?.subdivisions?.[0]?.iso_code ?? record?.state1 ?? '',
    };
  };
}
