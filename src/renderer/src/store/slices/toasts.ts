import type { StateCreator } from 'zustand';
import type { AppState } from '../index';

export interface Toast {
  id: number;
  text: string;
  tone: 'info' | 'ok' | 'danger';
}

/** Short notices in a corner (a copy done, an export finished); each goes away by itself. */
export interface ToastsSlice {
  toasts: Toast[];
  toast(text: string, tone?: Toast['tone']): void;
  dismissToast(id: number): void;
}

const SHOWN_MS = 4000;
const MAX_SHOWN = 4;

export const createToastsSlice: StateCreator<AppState, [], [], ToastsSlice> = (set, get) => {
  let next = 1;
  return {
    toasts: [],
    toast: (text, tone = 'info') => {
      const id = next++;
      set((s) => ({ toasts: [...s.toasts, { id, text, tone }].slice(-MAX_SHOWN) }));
      setTimeout(() => get().dismissToast(id), SHOWN_MS);
    },
    dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  };
};
