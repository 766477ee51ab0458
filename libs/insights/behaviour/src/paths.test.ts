import { describe, expect, it } from 'vitest';
import { createPathCounter, userPath } from './paths.js';

describe('userPath', () => {
  const types = [
    'home',
    'search',
    'product_view',
    'product_view',
    'error',
    'product_view',
    'cart',
    'purchase',
  ];
  it('starts at the first start event, collapses repeats, drops exclusions and stops at max steps', () => {
    expect(userPath(types, { startEvent: 'search', maxSteps: 3 })).toEqual([
      'search',
      'product_view',
      'error',
    ]);
    expect(userPath(types, { startEvent: 'search', maxSteps: 5, exclusions: ['error'] })).toEqual([
      'search',
      'product_view',
      'cart',
      'purchase',
    ]);
    expect(userPath(types, { startEvent: 'signup', maxSteps: 5 })).toBeUndefined();
  });
  it('ends at the end event, from the start or counting back', () => {
    expect(userPath(types, { startEvent: 'home', endEvent: 'product_view', maxSteps: 5 })).toEqual([
      'home',
      'search',
      'product_view',
    ]);
    expect(userPath(types, { endEvent: 'cart', maxSteps: 3, exclusions: ['error'] })).toEqual([
      'search',
      'product_view',
      'cart',
    ]);
  });
});

describe('createPathCounter', () => {
  it('counts users per link; end-anchored paths are right-aligned', () => {
    const c = createPathCounter({ endEvent: 'purchase', maxSteps: 3 });
    c.add(['home', 'cart', 'purchase']);
    c.add(['search', 'cart', 'purchase']);
    c.add(['cart', 'purchase']);
    c.add(['home', 'cart']);
    expect(c.result()).toEqual({
      nodes: [
        { id: '0:home', name: 'home', step: 0 },
        { id: '0:search', name: 'search', step: 0 },
        { id: '1:cart', name: 'cart', step: 1 },
        { id: '2:purchase', name: 'purchase', step: 2 },
      ],
      links: [
        { source: '1:cart', target: '2:purchase', value: 3 },
        { source: '0:home', target: '1:cart', value: 1 },
        { source: '0:search', target: '1:cart', value: 1 },
      ],
    });
  });
});
