import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { EventSchema, useNodeTextEncoding } from './index.js';

describe('useNodeTextEncoding', () => {
  it('encodes exactly the same bytes as the standard encoder, including non-ASCII text', () => {
    const event = create(EventSchema, {
      eventId: '0190f0c8-0000-7000-8000-000000000001',
      eventType: 'search',
      userId: 'Zoë 🛒',
      properties: { query: 'Kopfhörer — kabellos', n: 3 },
      context: { pageTitle: '日本語のページ' },
    });
    const before = toBinary(EventSchema, event);
    useNodeTextEncoding();
    const after = toBinary(EventSchema, event);
    expect(Buffer.from(after).equals(Buffer.from(before))).toBe(true);
    expect(fromBinary(EventSchema, after).userId).toBe('Zoë 🛒');
  });
});
