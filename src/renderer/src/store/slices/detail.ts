import type { StateCreator } from 'zustand';
import type { MessageDetail } from '../../../../common/api/messages';
import type { ErrorPayload } from '../../../../common/errors';
import type { AppState } from '../index';
import { asPayload } from './errors';

const FULL_CHUNK = 1024 * 1024;
export const HEX_PAGE = 16 * 1024;

/** Which message a detail is of. */
export interface MessageKey {
  topic: string;
  partition: number;
  offset: number;
}

export interface DetailState extends MessageKey {
  loading: boolean;
  data: MessageDetail | null;
  error: ErrorPayload | null;
  /** The whole value, loaded on request in chunks. */
  full: { loaded: number; total: number; text: string | null; error: string | null } | null;
  /** A page of the raw value bytes (base64) for the hex view. */
  hex: { start: number; base64: string; total: number; error: string | null } | null;
}

/** The detail panel of one message of the open topic: preview, whole value, hex pages. */
export interface DetailSlice {
  messageDetail: DetailState | null;
  /** Opens a message of the view; `topic` names it in a timeline (default: the open topic). */
  openDetail(partition: number, offset: number, topic?: string): Promise<void>;
  closeDetail(): void;
  /** Loads value bytes [start, start + HEX_PAGE) of the open message for the hex view. */
  loadHex(start: number): Promise<void>;
  /** Loads the whole value of the open message in 1 MiB chunks, yielding between them. */
  loadFullValue(): Promise<void>;
}

/** The one staleness check: is the open detail still of this message (topic included)? */
export function isDetailOf(d: DetailState | null, key: MessageKey): d is DetailState {
  return (
    d !== null && d.topic === key.topic && d.partition === key.partition && d.offset === key.offset
  );
}

export const createDetailSlice: StateCreator<AppState, [], [], DetailSlice> = (set, get) => {
  /** Applies `change` to the detail if it is still of `key`; answers for another are dropped. */
  const update = (key: MessageKey, change: Partial<DetailState>) => {
    const now = get().messageDetail;
    if (isDetailOf(now, key)) set({ messageDetail: { ...now, ...change } });
  };

  return {
    messageDetail: null,

    openDetail: async (partition, offset, rowTopic) => {
      const topic = rowTopic ?? get().browser.topic;
      if (topic === null) return;
      const key = { topic, partition, offset };
      const open = get().messageDetail;
      if (isDetailOf(open, key) && !open.error) return; // already shown or on its way
      set({
        messageDetail: { ...key, loading: true, data: null, error: null, full: null, hex: null },
      });
      try {
        const data = await get().api.call('messages.get', { ...key, previewBytes: 256 * 1024 });
        update(key, { loading: false, data });
      } catch (err) {
        update(key, { loading: false, error: asPayload(err) });
      }
    },

    closeDetail: () => set({ messageDetail: null }),

    loadHex: async (start) => {
      const d = get().messageDetail;
      if (!d) return;
      const key = { topic: d.topic, partition: d.partition, offset: d.offset };
      try {
        const c = await get().api.call('messages.chunk', {
          ...key,
          field: 'value',
          start,
          length: HEX_PAGE,
          encoding: 'base64',
        });
        update(key, { hex: { start: c.start, base64: c.data, total: c.totalBytes, error: null } });
      } catch (err) {
        update(key, { hex: { start, base64: '', total: 0, error: asPayload(err).message } });
      }
    },

    loadFullValue: async () => {
      const d = get().messageDetail;
      if (!d?.data?.value) return;
      const key = { topic: d.topic, partition: d.partition, offset: d.offset };
      const total = d.data.value.size;
      const parts: string[] = [];
      const setFull = (full: DetailState['full']) => update(key, { full });
      setFull({ loaded: 0, total, text: null, error: null });
      let at = 0;
      while (at < total && isDetailOf(get().messageDetail, key)) {
        try {
          const chunk = await get().api.call('messages.chunk', {
            ...key,
            field: 'value',
            start: at,
            length: FULL_CHUNK,
            encoding: 'utf8',
          });
          parts.push(chunk.data);
          at = chunk.end > at ? chunk.end : total;
          setFull({ loaded: at, total, text: null, error: null });
          // Let the page paint between chunks so that it never freezes on a huge value.
          await new Promise((r) => setTimeout(r, 0));
        } catch (err) {
          setFull({ loaded: at, total, text: null, error: asPayload(err).message });
          return;
        }
      }
      setFull({ loaded: total, total, text: parts.join(''), error: null });
    },
  };
};
