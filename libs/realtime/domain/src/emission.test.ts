import { describe, expect, it } from 'vitest';
import { DEFAULT_EMISSION, shouldEmit } from './emission.js';

describe('shouldEmit', () => {
  it('sends the first overview at once', () => {
    expect(shouldEmit(DEFAULT_EMISSION, 0, undefined, false)).toBe(true);
  });

  it('holds a change back until 250 ms have passed', () => {
    expect(shouldEmit(DEFAULT_EMISSION, 1_249, 1_000, true)).toBe(false);
    expect(shouldEmit(DEFAULT_EMISSION, 1_250, 1_000, true)).toBe(true);
  });

  it('sends an unchanged overview as a heartbeat one poll before 5 s are up', () => {
    expect(shouldEmit(DEFAULT_EMISSION, 4_749, 0, false)).toBe(false);
    expect(shouldEmit(DEFAULT_EMISSION, 4_750, 0, false)).toBe(true);
  });
});
