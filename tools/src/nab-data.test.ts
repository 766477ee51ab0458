import { describe, expect, it } from 'vitest';
import { parseNabTime, readNabCsv } from './nab-data.js';

describe('NAB files', () => {
  it('reads naive timestamps as UTC, with or without microseconds', () => {
    expect(parseNabTime('2014-04-10 07:15:00')).toBe(Date.parse('2014-04-10T07:15:00Z'));
    expect(parseNabTime('2014-04-10 07:15:00.000000')).toBe(Date.parse('2014-04-10T07:15:00Z'));
    expect(() => parseNabTime('yesterday')).toThrow(/bad NAB timestamp/);
  });

  it('reads a data or results CSV by column', () => {
    const csv = 'timestamp,value,anomaly_score\n2014-02-14 14:30:00,0.132,0.5\n2014-02-14 14:35:00,0.134,0\n';
    expect(readNabCsv(csv)).toEqual({
      timestamps: [Date.parse('2014-02-14T14:30:00Z'), Date.parse('2014-02-14T14:35:00Z')],
      columns: { value: [0.132, 0.134], anomaly_score: [0.5, 0] },
    });
  });
});
