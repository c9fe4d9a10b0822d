// What a new user stumbled on in the window, one describe each.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen, waitFor, within } from '@testing-library/svelte';
import { clearMocks } from '@tauri-apps/api/mocks';
import { fakeBackend, type Backend } from './test/backend';
import { expectAccessible, renderApp, rows } from './test/window';

let backend: Backend;

beforeEach(() => {
  backend = fakeBackend();
});

afterEach(() => {
  cleanup();
  clearMocks();
  vi.useRealTimers();
});

describe('the first screen', () => {
  it('says it is loading, never "0 keys" or the empty vault, until the first listing arrives', async () => {
    let answer!: () => void;
    backend.holding.list_keys = new Promise<void>((resolve) => (answer = resolve));
    await renderApp();
    await waitFor(() => expect(backend.calls.some((c) => c.cmd === 'list_sources')).toBe(true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const nav = screen.getByRole('navigation', { name: 'Sources' });
    expect(screen.getByRole('search').textContent).toContain('Loading keys…');
    expect(document.body.textContent).not.toMatch(/\b0 keys\b|No keys yet|No key matches/);
    expect(within(nav).queryByLabelText('0 keys')).toBeNull();
    expect(within(nav).getByLabelText('counting keys')).toBeTruthy();
    await expectAccessible('the loading window');
    answer();
    await waitFor(() => expect(rows()).toHaveLength(4));
    expect(screen.getByText('4 keys')).toBeTruthy();
    expect(within(nav).getByLabelText('4 keys')).toBeTruthy();
  });
});
