import { useSyncExternalStore } from 'react';

const DARK = '(prefers-color-scheme: dark)';

/**
 * Which theme the page shows, as a key that changes when it does: the chosen theme
 * (`data-theme` on the root) and the OS's scheme (followed by `system`). A canvas resolves its
 * colours once, so a chart rebuilt on this key follows a theme switch.
 */
export function useThemeKey(): string {
  return useSyncExternalStore(subscribe, themeKey, () => '');
}

function themeKey(): string {
  const dark = typeof window.matchMedia === 'function' && window.matchMedia(DARK).matches;
  return `${document.documentElement.dataset.theme ?? 'system'}:${dark ? 'dark' : 'light'}`;
}

function subscribe(changed: () => void): () => void {
  const observer = new MutationObserver(changed);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  const media = typeof window.matchMedia === 'function' ? window.matchMedia(DARK) : null;
  media?.addEventListener('change', changed);
  return () => {
    observer.disconnect();
    media?.removeEventListener('change', changed);
  };
}
