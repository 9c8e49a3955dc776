import './theme.css';
import '../components/ui/ui.css';

export type ThemePreference = 'system' | 'light' | 'dark';

/**
 * Applies a theme preference. `system` (the default) follows the OS through
 * `prefers-color-scheme`; `light`/`dark` override it. The colours themselves are CSS
 * variables in theme.css, so components never branch on the theme.
 */
export function applyTheme(
  preference: ThemePreference,
  root: HTMLElement = document.documentElement,
): void {
  if (preference === 'system') delete root.dataset.theme;
  else root.dataset.theme = preference;
}
