import { ValidationError } from '@broxiva/rpc';

// A page token is the offset into the active sessions, most recent first. The list moves as sessions
// get events, so a client paging through it may see a session twice or miss one: it is a live view.
const PREFIX = 'o:';

export const encodePageToken = (offset: number): string =>
  Buffer.from(`${PREFIX}${offset}`).toString('base64url');

/** The offset a token names; '' is 0. Throws ValidationError on a token this server did not issue. */
export function decodePageToken(token: string): number {
  if (token === '') return 0;
  const text = Buffer.from(token, 'base64url').toString();
  const offset = Number(text.slice(PREFIX.length));
  if (!text.startsWith(PREFIX) || !Number.isSafeInteger(offset) || offset < 0) {
    throw new ValidationError([
      { field: 'page_token', rule: 'format', description: 'not a page token from this server' },
    ]);
  }
  return offset;
}
