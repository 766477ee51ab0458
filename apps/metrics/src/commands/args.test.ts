import { describe, expect, it } from 'vitest';
import {
  checkRange,
  parseChoice,
  parseDay,
  parseInstant,
  parseMonth,
  zonedDayStart,
  zonedMonth,
} from './args.js';

describe('command arguments', () => {
  it('accepts calendar days and refuses impossible or malformed ones, naming the option', () => {
    expect(parseDay('date', '2024-02-29')).toBe('2024-02-29');
    expect(() => parseDay('date', '2025-02-29')).toThrow(
      '--date must be a calendar day YYYY-MM-DD, got "2025-02-29"',
    );
    expect(() => parseDay('date', '2025-1-01')).toThrow('--date must be a calendar day');
    expect(() => parseDay('date', undefined)).toThrow('--date is required');
  });

  it('parses months and refuses month 13', () => {
    expect(parseMonth('month', '2025-11')).toEqual({ year: 2025, month: 11 });
    expect(() => parseMonth('month', '2025-13')).toThrow('--month must be a month YYYY-MM, got "2025-13"');
    expect(() => parseMonth('month', 'November')).toThrow('--month must be a month YYYY-MM');
  });

  it('reads instants with an offset, and days as the shop zone midnight', () => {
    expect(parseInstant('start', '2025-11-01T10:00:00+02:00', 'UTC').toISOString()).toBe(
      '2025-11-01T08:00:00.000Z',
    );
    expect(parseInstant('start', '2025-11-01', 'Europe/Berlin').toISOString()).toBe(
      '2025-10-31T23:00:00.000Z',
    );
    expect(parseInstant('start', '2025-07-01', 'Europe/Berlin').toISOString()).toBe(
      '2025-06-30T22:00:00.000Z',
    );
    // The offset is required: a bare local time would depend on the machine running the command.
    expect(() => parseInstant('start', '2025-11-01T10:00:00', 'UTC')).toThrow(
      '--start must be an ISO 8601 date-time',
    );
    expect(() => parseInstant('end', 'yesterday', 'UTC')).toThrow('--end must be');
  });

  it('finds midnight in zones far from UTC', () => {
    expect(zonedDayStart('2025-11-03', 'Pacific/Kiritimati').toISOString()).toBe('2025-11-02T10:00:00.000Z');
    expect(zonedDayStart('2025-11-03', 'Pacific/Pago_Pago').toISOString()).toBe('2025-11-03T11:00:00.000Z');
    expect(zonedDayStart('2025-11-03', 'Asia/Kolkata').toISOString()).toBe('2025-11-02T18:30:00.000Z');
  });

  it('gives a month and the calendar month before it in the shop zone', () => {
    const m = zonedMonth(2025, 3, 'Europe/Berlin');
    expect(m.start.toISOString()).toBe('2025-02-28T23:00:00.000Z');
    expect(m.end.toISOString()).toBe('2025-03-31T22:00:00.000Z');
    expect(m.previous.start.toISOString()).toBe('2025-01-31T23:00:00.000Z');
    expect(zonedMonth(2025, 1, 'UTC').previous.start.toISOString()).toBe('2024-12-01T00:00:00.000Z');
  });

  it('refuses unknown choices and ranges that end before they start', () => {
    expect(parseChoice('format', 'csv', ['csv', 'json'] as const)).toBe('csv');
    expect(() => parseChoice('format', 'xml', ['csv', 'json'] as const)).toThrow(
      '--format must be one of csv, json, got "xml"',
    );
    const a = new Date('2025-11-02T00:00:00Z');
    const b = new Date('2025-11-01T00:00:00Z');
    expect(() => checkRange(a, b)).toThrow('--end (2025-11-01T00:00:00.000Z) must be after --start');
    expect(() => checkRange(a, a)).toThrow('must be after');
  });
});
