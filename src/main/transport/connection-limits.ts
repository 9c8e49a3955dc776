/**
 * What one API connection (a WebSocket, or a window's IPC) may hold at once, so that a
 * hostile or buggy client costs the others nothing more than these. Each is well above what
 * the renderer uses, so that no page of the app ever meets them.
 */

/**
 * Subscriptions open at once on one connection. The renderer holds about 25 at most: the
 * frame's four (topics.changed, settings.changed, system.storage, collectors.status), a
 * tail, a search, an export, a facet, and one level-histogram count per topic of a
 * timeline (up to 16); in the end-to-end tests a page never held more than 8. Each subscription costs the main thread on every change it follows
 * (topics.changed lists every topic once a second while appends arrive), so an unbounded
 * number let one connection slow every other.
 */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 128;

/**
 * Calls of one connection that have not been answered yet. The renderer has a few dozen at
 * most in flight (a timeline's 16 histograms with the table's windows; 6 at most in the
 * end-to-end tests), `logdock produce` 4.
 * Every call in flight holds its params and, once computed, its result until sent.
 */
export const MAX_CALLS_IN_FLIGHT_PER_CONNECTION = 256;

/**
 * Bytes a connection may leave unread before what is sent to it is cut: a subscription
 * then ends with UNAVAILABLE and a call is answered with UNAVAILABLE instead of its result,
 * instead of the server buffering without bound for a client that does not read.
 */
export const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

/**
 * Past this many unread bytes (small error answers can still pile up behind a client that
 * never reads but keeps sending) the connection is dropped: its subscriptions end, its
 * memory is freed.
 */
export const MAX_BUFFERED_BYTES_HARD = 2 * MAX_BUFFERED_BYTES;

/**
 * The longest frame sent, in characters of JSON: a result or event over it is answered
 * with MESSAGE_TOO_LARGE (and the subscription ends) instead of being sent. The renderer's
 * largest answers are far below (a message's detail: a 256 KiB preview; a page of the
 * browser: 1,000 rows of 400-byte previews); what it stops is one call building hundreds of
 * megabytes for one client, or V8's string limit (2^29 characters) failing the send.
 */
export const MAX_FRAME_CHARS = 64 * 1024 * 1024;

/** The limits of one connection; the server takes others only in tests. */
export interface ConnectionLimits {
  subscriptions: number;
  callsInFlight: number;
  bufferedBytes: number;
  bufferedBytesHard: number;
  frameChars: number;
}

export const CONNECTION_LIMITS: ConnectionLimits = {
  subscriptions: MAX_SUBSCRIPTIONS_PER_CONNECTION,
  callsInFlight: MAX_CALLS_IN_FLIGHT_PER_CONNECTION,
  bufferedBytes: MAX_BUFFERED_BYTES,
  bufferedBytesHard: MAX_BUFFERED_BYTES_HARD,
  frameChars: MAX_FRAME_CHARS,
};
