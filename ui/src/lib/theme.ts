import type { Theme } from './bindings/Theme';

/** Applies `theme` to the page (the system's, followed as it changes, for `system`); the
 *  returned function stops following. */
export function applyTheme(theme: Theme): () => void {
  const system = window.matchMedia?.('(prefers-color-scheme: dark)');
  const apply = () => {
    const dark = theme === 'dark' || (theme === 'system' && !!system?.matches);
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  };
  apply();
  system?.addEventListener('change', apply);
  return () => system?.removeEventListener('change', apply);
}
