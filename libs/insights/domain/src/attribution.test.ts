import { describe, expect, it } from 'vitest';
import { attributeDeviation, describeDeviation } from './attribution.js';

describe('attributeDeviation', () => {
  // Orders by region: usually eu 60, us 40, apac 20 (120 in all); now eu 6, us 38, apac 20 (a drop of 56).
  const region = {
    dimension: 'region',
    segments: [
      { value: 'eu', actual: 6, baseline: [60, 62, 58, 61] },
      { value: 'us', actual: 38, baseline: [40, 39, 41, 40] },
      { value: 'apac', actual: 20, baseline: [20, 21, 19, 20] },
    ],
  };
  // The same drop by device spreads evenly: no device explains it.
  const device = {
    dimension: 'device',
    segments: [
      { value: 'mobile', actual: 40, baseline: [70, 70, 70] },
      { value: 'desktop', actual: 24, baseline: [50, 50, 50] },
    ],
  };

  it('names the segment that carries the deviation, with its share', () => {
    const c = attributeDeviation([device, region]);
    expect(c[0]).toMatchObject({ dimension: 'region', value: 'eu', actual: 6, expected: 60.5 });
    // eu −54.5 of the region total −56.5 (us −2, apac 0).
    expect(c[0]!.share).toBeCloseTo(54.5 / 56.5, 10);
    expect(c.map((x) => `${x.dimension}:${x.value}`)).toEqual([
      'region:eu',
      'device:mobile',
      'device:desktop',
    ]);
    expect(c[1]!.share).toBeCloseTo(30 / 56, 10);
  });

  it('leaves out small shares and segments that moved the other way, and caps shares at 1', () => {
    const mixed = {
      dimension: 'channel',
      segments: [
        { value: 'ads', actual: 0, baseline: [50] },
        { value: 'email', actual: 30, baseline: [10] },
        { value: 'seo', actual: 59, baseline: [60] },
      ],
    };
    // Deviation −50 + 20 − 1 = −31: ads explains all of it and more; email rose; seo is under 10 %.
    expect(attributeDeviation([mixed])).toEqual([
      { dimension: 'channel', value: 'ads', actual: 0, expected: 50, share: 1 },
    ]);
  });

  it('treats a segment without history as expected 0 and a dimension without deviation as silent', () => {
    const fresh = { dimension: 'category', segments: [{ value: 'new', actual: 10, baseline: [] }] };
    const still = { dimension: 'region', segments: [{ value: 'eu', actual: 10, baseline: [10] }] };
    expect(attributeDeviation([still, fresh])).toEqual([
      { dimension: 'category', value: 'new', actual: 10, expected: 0, share: 1 },
    ]);
  });
});

describe('describeDeviation', () => {
  it('reads as a sentence', () => {
    const top = { dimension: 'region', value: 'eu', actual: 6, expected: 60, share: 0.85 };
    expect(describeDeviation('orders', 48, 120, top)).toBe(
      'orders fell 60 % (expected 120), 85 % of the drop in region eu',
    );
    expect(describeDeviation('revenue', 30, 0)).toBe('revenue rose to 30 (expected 0)');
  });
});
