// What a new user stumbled on in the window, one describe each.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen, waitFor, within } from '@testing-library/svelte';
import { clearMocks } from '@tauri-apps/api/mocks';
import { fakeBackend, source, type Backend } from './test/backend';
import { expectAccessible, renderApp, row, rows } from './test/window';

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

describe('relative times', () => {
  it('keep ticking without a reload: "34 seconds ago" becomes "2 minutes ago" a minute later', async () => {
    // Date and the intervals are the test's; timeouts stay real for the IPC mock and waitFor.
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    vi.setSystemTime(new Date('2026-11-29T12:00:00Z'));
    backend.keys[0].last_used_at = '2026-11-29T11:59:26Z';
    backend.sources = [source({ name: 'prod', synced_at: '2026-11-29T11:57:00Z', last_attempt_at: '2026-11-29T11:57:00Z' })];
    await renderApp();
    const nav = screen.getByRole('navigation', { name: 'Sources' });
    await within(nav).findByText('synced 3 minutes ago');
    const used = () => row('stripe-live').querySelectorAll('[role="gridcell"]')[5].textContent;
    await waitFor(() => expect(used()).toBe('34 seconds ago'));
    await vi.advanceTimersByTimeAsync(60_000);
    await waitFor(() => expect(used()).toBe('2 minutes ago'));
    expect(within(nav).getByText('synced 4 minutes ago')).toBeTruthy();
    expect(backend.calls.filter((c) => c.cmd === 'list_keys' && c.args.limit !== 0)).toHaveLength(1);
  });
});
