// What the window's tests share: rendering the window over the fake backend, finding its
// rows, and the accessibility check.
import { render, screen } from '@testing-library/svelte';
import axe from 'axe-core';
import { expect } from 'vitest';
import App from '../App.svelte';
import { app } from '../lib/state.svelte';

/** A fresh window over the fake backend. */
export async function renderApp() {
  app.reset();
  void app.start();
  return render(App, { props: { tableHeight: 600 } });
}

export const rows = () => screen.queryAllByRole('row').filter((r) => r.getAttribute('aria-rowindex') !== '1');
export const row = (name: string) => rows().find((r) => r.dataset.keyName === name)!;
export const grid = () => screen.getByRole('grid', { name: 'Keys' });

/** axe-core finds no serious or critical violation (as the end-to-end run checks in the
 *  real window). jsdom has no layout, so colour contrast is left to that run. */
export async function expectAccessible(what: string) {
  const result = await axe.run(document.body, { resultTypes: ['violations'], rules: { 'color-contrast': { enabled: false } } });
  const serious = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious, `axe on ${what}`).toEqual([]);
}
