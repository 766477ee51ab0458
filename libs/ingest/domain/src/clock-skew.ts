/**
 * Clock-skew correction. A client's clock may be wrong by minutes or years; the difference between its
 * event time and its send time is still right. So when the client says when it sent the request
 * (`sentAt`), the event time becomes `receivedAt + (timestamp - sentAt)`. Without `sentAt` the client's
 * timestamp is kept; without a timestamp the event happened when it was received.
 */
export function correctTimestamp(
  timestamp: Date | undefined,
  sentAt: Date | undefined,
  receivedAt: Date,
): { timestamp: Date; original: Date | undefined } {
  if (timestamp === undefined) return { timestamp: receivedAt, original: undefined };
  if (sentAt === undefined) return { timestamp, original: undefined };
  const corrected = new Date(receivedAt.getTime() + (timestamp.getTime() - sentAt.getTime()));
  return corrected.getTime() === timestamp.getTime()
    ? { timestamp, original: undefined }
    : { timestamp: corrected, original: timestamp };
}
