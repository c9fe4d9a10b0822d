import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { clearMocks } from '@tauri-apps/api/mocks';
import { step, wording } from './lib/next';
import { columnChoice } from './lib/columns.svelte';
import { app } from './lib/state.svelte';
import { everyAction, fakeBackend, record, remoteError, source, type Backend } from './test/backend';
import { grid, renderApp, row, rows } from './test/window';

let backend: Backend;

beforeEach(() => {
  backend = fakeBackend();
});

afterEach(() => {
  cleanup();
  clearMocks();
  vi.useRealTimers();
});

describe('the keys table', () => {
  it('lists the vault: names, masks, scopes as chips, status badges, counts', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(4));
    const stripe = within(row('stripe-live'));
    expect(stripe.getByText('sk_live_…9f3a')).toBeTruthy();
    expect(stripe.getByText('charges:write').className).toContain('chip');
    expect(stripe.getByText('active').className).toContain('badge');
    expect(within(row('github-ci')).getByText('expiring soon')).toBeTruthy();
    expect(row('slack-bot').className).toContain('dim');
    expect(screen.getByText('4 keys')).toBeTruthy();
    expect(backend.lastListing()).toMatchObject({ query: { source: null, sort: 'name' }, offset: 0 });
  });

  it('keeps the DOM small with 100,000 keys', async () => {
    backend.generated = 100_000;
    await renderApp();
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    expect(grid().getAttribute('aria-rowcount')).toBe('100001');
    expect(rows().length).toBeLessThan(60);
    expect(document.querySelectorAll('*').length).toBeLessThan(1500);
    expect(screen.getByText('100000 keys')).toBeTruthy();
  });

  it('follows the vault: a key added elsewhere shows without a click, and the counts follow', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(4));
    const localCount = () => screen.getByRole('button', { name: /Local vault/ }).querySelector('.count')!.textContent;
    expect(localCount()).toBe('4');
    backend.keys.push(record({ name: 'added-from-the-cli' }));
    backend.changedElsewhere();
    await waitFor(() => expect(rows()).toHaveLength(5));
    expect(row('added-from-the-cli')).toBeTruthy();
    expect(screen.getByText('5 keys')).toBeTruthy();
    await waitFor(() => expect(localCount()).toBe('5'));
  });

  it('sorts by a column, and again the other way', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(4));
    const expires = screen.getByRole('button', { name: /Expires/ });
    await fireEvent.click(expires);
    await waitFor(() => expect(backend.lastListing()).toMatchObject({ query: { sort: 'expires_at', descending: false } }));
    await fireEvent.click(expires);
    await waitFor(() => expect(backend.lastListing()).toMatchObject({ query: { sort: 'expires_at', descending: true } }));
    expect(expires.closest('[role="columnheader"]')!.getAttribute('aria-sort')).toBe('descending');
  });
});

describe('the toolbar', () => {
  it('searches as you type and shows the filtered count', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.input(screen.getByRole('searchbox', { name: 'Search keys' }), { target: { value: 'stripe' } });
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(backend.lastListing()).toMatchObject({ query: { search: 'stripe' } });
    expect(screen.getByText('1 of 4 keys')).toBeTruthy();
  });

  it('filters by status, scope, and hides revoked and expired keys', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.change(screen.getByRole('combobox', { name: 'Filter by status' }), { target: { value: 'revoked' } });
    await waitFor(() => expect(rows().map((r) => r.dataset.keyName)).toEqual(['slack-bot']));
    await fireEvent.change(screen.getByRole('combobox', { name: 'Filter by status' }), { target: { value: '' } });
    await fireEvent.click(screen.getByRole('checkbox', { name: /Hide revoked/ }));
    await waitFor(() => expect(rows().map((r) => r.dataset.keyName).sort()).toEqual(['github-ci', 'stripe-live']));
    await fireEvent.input(screen.getByRole('textbox', { name: 'Filter by scope' }), { target: { value: 'repo' } });
    await waitFor(() => expect(rows().map((r) => r.dataset.keyName)).toEqual(['github-ci']));
    expect(backend.lastListing()).toMatchObject({ query: { scope: 'repo', hide_inactive: true } });
  });

  it('shows the expiry banner and jumps to the expiring keys', async () => {
    await renderApp();
    const show = await screen.findByRole('button', { name: 'Show it' });
    expect(screen.getByText(/1 key expires within 7 days/)).toBeTruthy();
    await fireEvent.click(show);
    await waitFor(() => expect(rows().map((r) => r.dataset.keyName)).toEqual(['github-ci']));
  });
});

describe('reveal and copy', () => {
  async function openStripe() {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.dblClick(row('stripe-live'));
    return screen.findByRole('complementary', { name: 'Details of stripe-live' });
  }

  it('reveals the value for the configured time, then masks it again', async () => {
    backend.settings.reveal_secs = 3;
    const pane = await openStripe();
    vi.useFakeTimers();
    await fireEvent.click(within(pane).getByRole('button', { name: 'Reveal' }));
    await vi.waitFor(() => expect(within(pane).getByTestId('secret-value').textContent).toBe('sk_live_51HqLyjWDarjtT1zdp7dc9f3a'));
    await vi.advanceTimersByTimeAsync(2000);
    expect(within(pane).getByRole('button', { name: 'Hide (1 s)' })).toBeTruthy();
    await vi.advanceTimersByTimeAsync(1000);
    expect(within(pane).getByTestId('secret-value').textContent).toBe('sk_live_…9f3a');
  });

  it('masks a revealed value when the window loses focus', async () => {
    const pane = await openStripe();
    await fireEvent.click(within(pane).getByRole('button', { name: 'Reveal' }));
    await waitFor(() => expect(within(pane).getByTestId('secret-value').textContent).toContain('51HqLyj'));
    window.dispatchEvent(new Event('blur'));
    await waitFor(() => expect(within(pane).getByTestId('secret-value').textContent).toBe('sk_live_…9f3a'));
  });

  it('announces that the secret is shown, never the secret itself', async () => {
    const pane = await openStripe();
    const live = () => [...document.querySelectorAll('[aria-live], [role="status"], [role="alert"], [role="log"]')];
    await fireEvent.click(within(pane).getByRole('button', { name: 'Reveal' }));
    const value = within(pane).getByTestId('secret-value');
    await waitFor(() => expect(value.textContent).toBe('sk_live_51HqLyjWDarjtT1zdp7dc9f3a'));
    expect(value.closest('[aria-live], [role="status"], [role="alert"], [role="log"]')).toBeNull();
    expect(live().length).toBeGreaterThan(0);
    for (const region of live()) expect(region.textContent).not.toContain('51HqLyj');
    expect(live().map((r) => r.textContent)).toContain('Secret shown for 10 seconds');
    await fireEvent.click(within(pane).getByRole('button', { name: 'Hide (10 s)' }));
    expect(value.textContent).toBe('sk_live_…9f3a');
    expect(live().map((r) => r.textContent)).toContain('Secret hidden');
  });

  it('shows a rate-limited reveal with its message, and keeps the value masked', async () => {
    backend.failing.reveal_secret = { code: 'rate_limited', message: 'too many reveals and copies from the window: try again in 42 s', action: { kind: 'wait_and_retry', seconds: null } };
    const pane = await openStripe();
    await fireEvent.click(within(pane).getByRole('button', { name: 'Reveal' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('try again in 42 s');
    expect(within(pane).getByTestId('secret-value').textContent).toBe('sk_live_…9f3a');
  });

  it('shows nothing red when the user declines (cancelled)', async () => {
    backend.failing.copy_secret = { code: 'cancelled', message: 'the copy was declined', action: null };
    const pane = await openStripe();
    await fireEvent.click(within(pane).getByRole('button', { name: 'Copy' }));
    await waitFor(() => expect(backend.last('copy_secret')).toBeDefined());
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByText(/declined/)).toBeNull();
    expect(screen.queryByText(/Copied the secret/)).toBeNull();
  });

  it('disables Reveal and Copy where Rust has no secret to give, says why, and never asks for it', async () => {
    backend.sources = [source({ name: 'prod', dialect: '003' })];
    backend.keys.push(record({ name: 'remote-one', source: 'prod', mask: 'kd_…77aa', cannot_reveal: { reason: 'no_full_keys', dialect: '003' } }));
    await renderApp();
    await fireEvent.click(await screen.findByRole('button', { name: /^prod/ }));
    await waitFor(() => expect(rows().map((r) => r.dataset.keyName)).toEqual(['remote-one']));
    await fireEvent.dblClick(row('remote-one'));
    const pane = await screen.findByRole('complementary', { name: 'Details of remote-one' });
    const why = "Dialect 003's API returns no full keys, so keydeck has no secret for this key.";
    const reveal = within(pane).getByRole('button', { name: 'Reveal' }) as HTMLButtonElement;
    const copy = within(pane).getByRole('button', { name: 'Copy' }) as HTMLButtonElement;
    for (const button of [reveal, copy]) {
      expect(button.disabled).toBe(true);
      expect(button.title).toBe(why);
      expect(button.getAttribute('aria-describedby')).toBe('reveal-why');
    }
    expect(within(pane).getByText(why).id).toBe('reveal-why');
    await fireEvent.click(reveal);
    await fireEvent.click(copy);
    // Ctrl+C on its row: the same reason, said gently.
    grid().focus();
    await fireEvent.keyDown(grid(), { key: 'c', ctrlKey: true });
    const note = await waitFor(() => screen.getAllByRole('status').find((s) => s.textContent!.includes(why))!);
    expect(note).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(app.error).toBeNull();
    expect(backend.last('reveal_secret')).toBeUndefined();
    expect(backend.last('copy_secret')).toBeUndefined();
    expect(within(pane).getByTestId('secret-value').textContent).toBe('kd_…77aa');
    await fireEvent.click(within(note).getByRole('button', { name: 'Dismiss the note' }));
    expect(screen.queryByText(why, { selector: '[role="status"]' })).toBeNull();
  });

  it('copies with Ctrl+C on a row and counts down to the clear; the secret never reaches the page', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(4));
    grid().focus();
    await fireEvent.keyDown(grid(), { key: 'ArrowDown' });
    vi.useFakeTimers();
    await fireEvent.keyDown(grid(), { key: 'c', ctrlKey: true });
    await vi.waitFor(() => expect(screen.getByText(/clipboard clears in 30 s/)).toBeTruthy());
    await vi.advanceTimersByTimeAsync(1000);
    expect(screen.getByText(/clears in 29 s/)).toBeTruthy();
    expect(backend.last('copy_secret')).toEqual({ key: { source: 'local', id: 'id-aws-deploy' } });
    expect(document.body.innerHTML).not.toContain('51HqLyj');
  });
});

describe('dialogs', () => {
  it('adds a key with Ctrl+N: name, scopes, secret', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.keyDown(window, { key: 'n', ctrlKey: true });
    const dialog = await screen.findByRole('dialog', { name: 'Add a key' });
    await fireEvent.input(within(dialog).getByLabelText('Name'), { target: { value: 'new-key' } });
    await fireEvent.input(within(dialog).getByLabelText('Secret'), { target: { value: 'sk_test_newsecret_123456' } });
    await fireEvent.input(within(dialog).getByLabelText('Scopes'), { target: { value: 'read, write' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Add key' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(backend.last('add_key')).toMatchObject({
      key: { name: 'new-key', scopes: ['read', 'write'] },
      secret: { kind: 'given', value: 'sk_test_newsecret_123456' },
    });
    await waitFor(() => expect(row('new-key')).toBeTruthy());
  });

  it('shows a failed add with what to do next and keeps the dialog open', async () => {
    backend.failing.add_key = { code: 'duplicate_name', message: 'a key named `stripe-live` already exists', action: { kind: 'choose_another_name' } };
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.click(screen.getByRole('button', { name: '+ Add key' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a key' });
    await fireEvent.click(within(dialog).getByLabelText(/Generate a random secret/));
    await fireEvent.input(within(dialog).getByLabelText('Name'), { target: { value: 'stripe-live' } });
    await fireEvent.submit(dialog.querySelector('form')!);
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('already exists');
    expect(alert.textContent).toContain('Choose another name');
    expect(backend.last('add_key')).toMatchObject({ secret: { kind: 'generate', prefix: null } });
  });

  it('revokes with Delete after a confirmation with a reason; Esc cancels', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(4));
    grid().focus();
    await fireEvent.keyDown(grid(), { key: 'End' });
    await fireEvent.keyDown(grid(), { key: 'Delete' });
    let dialog = await screen.findByRole('dialog', { name: 'Revoke stripe-live?' });
    await fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(backend.last('revoke_key')).toBeUndefined();
    await fireEvent.keyDown(grid(), { key: 'Delete' });
    dialog = await screen.findByRole('dialog', { name: 'Revoke stripe-live?' });
    await fireEvent.input(within(dialog).getByLabelText('Reason'), { target: { value: 'leaked' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    await waitFor(() => expect(backend.last('revoke_key')).toEqual({ key: { source: 'local', id: 'id-stripe-live' }, reason: 'leaked' }));
    await waitFor(() => expect(within(row('stripe-live')).getByText('revoked')).toBeTruthy());
  });

  it('does not revoke with Delete a key Rust says cannot be revoked, and says why instead', async () => {
    backend.sources = [source({ name: 'prod', dialect: '000' })];
    backend.keys.push(record({ name: 'remote-one', source: 'prod', cannot_revoke: { reason: 'no_revoke_request', dialect: '000' } }));
    await renderApp();
    await fireEvent.click(await screen.findByRole('button', { name: /^prod/ }));
    await waitFor(() => expect(rows().map((r) => r.dataset.keyName)).toEqual(['remote-one']));
    grid().focus();
    await fireEvent.keyDown(grid(), { key: 'Home' });
    await fireEvent.keyDown(grid(), { key: 'Delete' });
    const why = "Revoking is not part of dialect 000's API, and this source has no revoke request.";
    await waitFor(() => expect(screen.getAllByRole('status').some((s) => s.textContent!.includes(why))).toBe(true));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
    // A revoked key of the vault says so too, and nothing is sent.
    await fireEvent.click(screen.getByRole('button', { name: /^Local vault/ }));
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.click(row('slack-bot'));
    grid().focus();
    await fireEvent.keyDown(grid(), { key: 'Delete' });
    await waitFor(() => expect(screen.getAllByRole('status').some((s) => s.textContent!.includes('This key is revoked; its secret is gone.'))).toBe(true));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(backend.last('revoke_key')).toBeUndefined();
  });

  it('saves settings', async () => {
    await renderApp();
    await fireEvent.click(await screen.findByRole('button', { name: 'Settings' }));
    const dialog = await screen.findByRole('dialog', { name: 'Settings' });
    await fireEvent.input(within(dialog).getByLabelText(/Clear the clipboard/), { target: { value: '5' } });
    await fireEvent.change(within(dialog).getByLabelText('Theme'), { target: { value: 'dark' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(backend.last('save_settings')).toMatchObject({ settings: { clipboard_clear_secs: 5, theme: 'dark' } }));
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));
  });

  it('says in Settings which build this is', async () => {
    await renderApp();
    await fireEvent.click(await screen.findByRole('button', { name: 'Settings' }));
    const about = await screen.findByRole('region', { name: 'About keydeck' });
    await waitFor(() => expect(about.textContent).toContain('keydeck 9.8.7 · commit abc123def456'));
  });
});

describe('sources', () => {
  it('shows each source with its count and state, and syncs it', async () => {
    backend.sources = [
      source({ name: 'prod', key_count: 2 }),
      source({ name: 'flaky', key_count: 7, stale: true, last_error: remoteError('flaky', 'unreachable', 'cannot connect') }),
    ];
    await renderApp();
    const nav = screen.getByRole('navigation', { name: 'Sources' });
    await waitFor(() => expect(within(nav).getByText('synced 3 minutes ago')).toBeTruthy());
    expect(within(nav).getByText('offline · showing the last listing')).toBeTruthy();
    expect(within(nav).getByLabelText('4 keys')).toBeTruthy(); // the local vault
    expect(within(nav).getByLabelText('7 keys')).toBeTruthy();
    await fireEvent.click(within(nav).getByRole('button', { name: 'Sync prod' }));
    // The progress channel crosses IPC as its callback id, the way Rust receives it.
    await waitFor(() => expect(backend.last('sync_source')).toEqual({ name: 'prod', onProgress: expect.stringMatching(/^__CHANNEL__:\d+$/) }));
  });

  it('lists a source again when the window comes back after the interval, and not before', async () => {
    backend.sources = [
      source({ name: 'due', last_attempt_at: new Date(Date.now() - 20 * 60_000).toISOString() }),
      source({ name: 'recent', last_attempt_at: new Date(Date.now() - 2 * 60_000).toISOString() }),
    ];
    await renderApp();
    await waitFor(() => expect(screen.getByRole('button', { name: /^due/ })).toBeTruthy());
    expect(backend.calls.some((c) => c.cmd === 'sync_source')).toBe(false);
    window.dispatchEvent(new Event('focus'));
    await waitFor(() => expect(backend.last('sync_source')).toMatchObject({ name: 'due' }));
    expect(backend.calls.filter((c) => c.cmd === 'sync_source')).toHaveLength(1);
  });

  it('shows a running sync\'s progress; Cancel stops it without an error and the source keeps its state', async () => {
    backend.sources = [source({ name: 'prod', key_count: 2 })];
    backend.holdSyncs = true;
    backend.syncProgress = [
      { pages: 1, keys: 200, bytes: 51_200 },
      { pages: 2, keys: 400, bytes: 102_400 },
      { pages: 3, keys: 600, bytes: 153_600 },
    ];
    await renderApp();
    const nav = screen.getByRole('navigation', { name: 'Sources' });
    await within(nav).findByText('synced 3 minutes ago');
    await fireEvent.click(within(nav).getByRole('button', { name: 'Sync prod' }));
    const progress = await within(nav).findByText('syncing… page 3 · 600 keys');
    expect(progress.closest('[title]')!.getAttribute('title')).toBe('154 kB received');
    expect((within(nav).getByRole('button', { name: 'Sync prod' }) as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(within(nav).getByRole('button', { name: 'Cancel the sync of prod' }));
    await waitFor(() => expect(backend.last('cancel_sync')).toEqual({ name: 'prod' }));
    await waitFor(() => expect(within(nav).getByText('synced 3 minutes ago')).toBeTruthy());
    expect(within(nav).queryByRole('button', { name: 'Cancel the sync of prod' })).toBeNull();
    expect((within(nav).getByRole('button', { name: 'Sync prod' }) as HTMLButtonElement).disabled).toBe(false);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(app.error).toBeNull();
  });

  it('clears the progress when a sync finishes', async () => {
    backend.sources = [source({ name: 'prod', key_count: 2 })];
    backend.holdSyncs = true;
    backend.syncProgress = [{ pages: 1, keys: 1, bytes: 300 }];
    await renderApp();
    const nav = screen.getByRole('navigation', { name: 'Sources' });
    await fireEvent.click(await within(nav).findByRole('button', { name: 'Sync prod' }));
    await within(nav).findByText('syncing… page 1 · 1 key');
    backend.finishSync('prod');
    await waitFor(() => expect(within(nav).getByText('synced 3 minutes ago')).toBeTruthy());
    expect(within(nav).queryByRole('button', { name: /^Cancel the sync/ })).toBeNull();
    expect(backend.last('cancel_sync')).toBeUndefined();
  });

  it('disables revoke where Rust says the key cannot be revoked, and says why', async () => {
    // The source has no revoke request, yet only what each key says counts.
    backend.sources = [source({ name: 'prod', dialect: '000', revoke_template: null })];
    backend.keys.push(
      record({ name: 'remote-one', source: 'prod', cannot_revoke: { reason: 'no_revoke_request', dialect: '000' } }),
      record({ name: 'remote-two', source: 'prod' }),
    );
    await renderApp();
    await fireEvent.click(await screen.findByRole('button', { name: /^prod/ }));
    await waitFor(() => expect(rows().map((r) => r.dataset.keyName)).toEqual(['remote-one', 'remote-two']));
    await fireEvent.dblClick(row('remote-one'));
    let pane = await screen.findByRole('complementary', { name: 'Details of remote-one' });
    const why = "Revoking is not part of dialect 000's API, and this source has no revoke request.";
    const revoke = within(pane).getByRole('button', { name: 'Revoke' }) as HTMLButtonElement;
    expect(revoke.disabled).toBe(true);
    expect(revoke.title).toBe(why);
    expect(within(pane).getByText(why)).toBeTruthy();
    expect(within(pane).queryByRole('button', { name: 'Edit' })).toBeNull();
    await fireEvent.dblClick(row('remote-two'));
    pane = await screen.findByRole('complementary', { name: 'Details of remote-two' });
    expect((within(pane).getByRole('button', { name: 'Revoke' }) as HTMLButtonElement).disabled).toBe(false);
    expect(within(pane).queryByText(why)).toBeNull();
  });

  it('shows a rejected token on its source, with a button that opens its Manage dialog', async () => {
    backend.sources = [
      source({
        name: 'prod',
        stale: true,
        last_error: remoteError('prod', 'unauthorized', 'the token is not valid', {
          status: 401,
          server_hint: 'create a token under Settings › API keys',
          request_id: 'req_7f3a',
        }),
      }),
    ];
    backend.keys.push(record({ name: 'remote-one', source: 'prod' }));
    await renderApp();
    const nav = screen.getByRole('navigation', { name: 'Sources' });
    const state = await within(nav).findByText('token rejected');
    expect(state.closest('.state')!.className).toContain('bad');
    await fireEvent.click(within(nav).getByRole('button', { name: /^prod/ }));
    const banner = (await screen.findByText(/the last sync failed/)).closest('[role="status"]') as HTMLElement;
    expect(banner.textContent).toContain('the token is not valid');
    expect(banner.textContent).toContain('Give prod a token that may list its keys.');
    expect(banner.textContent).toContain('The server says: create a token under Settings › API keys');
    expect(banner.textContent).toContain('Request id: req_7f3a');
    const button = within(banner).getByRole('button', { name: 'Set a new token for prod' });
    expect(button.textContent).toBe('Set a new token');
    await fireEvent.click(button);
    const dialog = await screen.findByRole('dialog', { name: 'Source prod' });
    expect(within(dialog).getByLabelText('New token')).toBeTruthy();
    // A new token: Rust syncs with it, no second call from the window.
    backend.sources = [source({ name: 'prod' })];
    await fireEvent.input(within(dialog).getByLabelText('New token'), { target: { value: 'tok_new_0123456789' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(backend.last('edit_source')).toMatchObject({ name: 'prod', token: 'tok_new_0123456789' });
    expect(backend.last('sync_source')).toBeUndefined();
    await waitFor(() => expect(within(nav).getByText('synced 3 minutes ago')).toBeTruthy());
    expect(screen.queryByText(/the last sync failed/)).toBeNull();
  });

  it('keeps a failed sync on its source, and reports anything else as an error', async () => {
    backend.sources = [source({ name: 'prod' })];
    backend.failing.sync_source = remoteError('prod', 'timeout', 'no answer within 30 s');
    await renderApp();
    const nav = screen.getByRole('navigation', { name: 'Sources' });
    await fireEvent.click(await within(nav).findByRole('button', { name: 'Sync prod' }));
    await waitFor(() => expect(backend.last('sync_source')).toBeDefined());
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(app.error).toBeNull();
    backend.failing.sync_source = { code: 'keyring_locked', message: 'the OS keyring is locked or refused access (dbus)', action: { kind: 'unlock_keyring' } };
    await fireEvent.click(within(nav).getByRole('button', { name: 'Sync prod' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('the OS keyring is locked');
    expect(alert.textContent).toContain('Unlock your login keyring');
  });
});

describe('errors and empty states', () => {
  it('shows a vault that cannot be opened with what to do, and no table', async () => {
    backend.failing.list_keys = { code: 'vault_too_new', message: 'the vault has schema version 9', action: { kind: 'update_keydeck' } };
    await renderApp();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('schema version 9');
    expect(alert.textContent).toContain('Update to a newer keydeck; nothing was changed.');
    expect(screen.queryByRole('grid')).toBeNull();
  });

  it('words every next step without a command or a flag, and its button does the step', async () => {
    // What the CLI would print instead: its commands and their flags.
    const CLI = /\bkeydeck (?:add|list|show|reveal|copy|edit|revoke|rm|rotate|import|export|backup|doctor|source|serve|clipboard-hold)\b|--[a-z]|set-token/;
    for (const action of Object.values(everyAction)) {
      cleanup();
      clearMocks();
      backend = fakeBackend();
      backend.sources = [source({ name: 'prod' })];
      backend.failing.get_settings = { code: 'io', message: 'the settings could not be read', action };
      await renderApp();
      const alert = await screen.findByRole('alert');
      await waitFor(() => expect(rows()).toHaveLength(4));
      expect(alert.textContent, action.kind).toContain(wording(action));
      const texts = [document.body.textContent!];
      for (const element of document.body.querySelectorAll('*')) {
        for (const name of ['title', 'aria-label', 'placeholder']) texts.push(element.getAttribute(name) ?? '');
      }
      expect(texts.filter((text) => CLI.test(text)), action.kind).toEqual([]);
      const expected = step(action);
      const button = within(alert).queryByRole('button', { name: expected?.name ?? /^(?!Dismiss)/ });
      if (!expected) {
        expect(button, action.kind).toBeNull();
        continue;
      }
      expect(button!.textContent, action.kind).toBe(expected.label);
      await fireEvent.click(button!);
      if (expected.does === 'sync') {
        await waitFor(() => expect(backend.last('sync_source'), action.kind).toMatchObject({ name: 'prod' }));
      } else {
        await screen.findByRole('dialog', { name: 'Source prod' });
      }
    }
    // One whole app per next step: slow on a loaded machine, not stuck.
  }, 30_000);

  it('tells a newcomer what to do with an empty vault', async () => {
    backend.keys = [];
    await renderApp();
    expect(await screen.findByText('No keys yet')).toBeTruthy();
    expect(screen.getByText('keydeck serve --dialect 002')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Connect a server' })).toBeTruthy();
  });

  it('focuses the search with / and moves to the table with the down arrow', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.keyDown(document.body, { key: '/' });
    const search = screen.getByRole('searchbox', { name: 'Search keys' });
    expect(document.activeElement).toBe(search);
    await fireEvent.keyDown(search, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(grid());
    expect(grid().getAttribute('aria-activedescendant')).toBe('key-row-0');
  });
});

describe('text from outside is inert', () => {
  const RLO = 'invoice\u202Egnp.exe';
  const LONG = `long-${'x'.repeat(4995)}`;
  const hostile = [
    '\x1b[31mRED ALERT\x1b[0m \x1b]0;pwned\x07',
    'line1\nline2',
    'carriage\rreturn',
    RLO,
    'a\u2066b\u2069c\u200E\u200F\u061C',
    'Z\u0351\u0354a\u0308lgo',
    '<img src=x onerror=alert(1)><script>alert(2)</script>',
    LONG,
    '',
  ];
  // The dangerous set of src/lib/inert.ts, written out again.
  const DANGER = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

  /** No dangerous character in the page's text or attributes, and no element made from a name. */
  function expectInert() {
    expect(document.body.textContent).not.toMatch(DANGER);
    const leaks: string[] = [];
    for (const element of document.body.querySelectorAll('*')) {
      for (const attribute of element.attributes) {
        // Raw on purpose: never shown, and tests select rows by it.
        if (attribute.name === 'data-key-name') continue;
        if (DANGER.test(attribute.value)) leaks.push(`<${element.tagName.toLowerCase()} ${attribute.name}>`);
      }
    }
    expect(leaks).toEqual([]);
    expect(document.querySelector('img, script')).toBeNull();
  }

  beforeEach(() => {
    backend.keys = hostile.map((name, i) =>
      record({
        name,
        id: name ? `id-${name}` : 'id-empty',
        mask: i === 0 ? 'sk_\u202E…9f3a' : 'sk_live_…9f3a',
        scopes: i === 0 ? ['read\x1b[8m', 'write\u202E'] : ['repo'],
        tags: i === 0 ? ['ci\u2067'] : [],
        env: i === 0 ? 'prod\r' : null,
        owner: i === 0 ? 'mallory\u200F\x9b' : null,
        revoke_reason: i === 0 ? 'leaked\x7f' : null,
        details: i === 0 ? { 'region\x1b': 'eu\u202Ewest', nested: { label: '\u2066x\u2069' } } : {},
      }),
    );
    backend.details[backend.keys[0].id] = {
      notes: 'first line\nsecond \u202Eline',
      history: [{ at: '2026-11-01T10:00:00Z', kind: 'rotated\x1b[2J', detail: 'by \u202Eadmin' }],
    };
    backend.sources = [
      source({
        name: 'evil',
        key_count: 0,
        synced_at: null,
        stale: true,
        last_error: remoteError('evil', 'server_error', '\x1b]0;pwned\x07 boom \u202Eexe', { server_hint: 'call\r\nsupport', request_id: 'req\u202E42' }),
      }),
    ];
    // Outside text reaches the wording too: a key's name in a next step.
    backend.failing.get_settings = { code: 'secret_missing', message: 'settings \x1b[31mlost\u202E', action: { kind: 'set_secret', key: 'try\nagain' } };
  });

  it('renders hostile names, scopes, masks and owners in the table as markers', async () => {
    if (!columnChoice.shows('owner')) columnChoice.toggle('owner');
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(hostile.length));
    const text = grid().textContent!;
    expect(text).toContain('\\x1b[31mRED ALERT\\x1b[0m \\x1b]0;pwned\\x07');
    expect(text).toContain('line1\\nline2');
    expect(text).toContain('carriage\\rreturn');
    expect(text).toContain('invoice<U+202E>gnp.exe');
    expect(text).toContain('a<U+2066>b<U+2069>c<U+200E><U+200F><U+061C>');
    expect(text).toContain('Z\u0351\u0354a\u0308lgo');
    expect(text).toContain('<img src=x onerror=alert(1)><script>alert(2)</script>');
    expect(text).toContain('sk_<U+202E>…9f3a');
    expect(text).toContain('read\\x1b[8m');
    expect(text).toContain('mallory<U+200F>\\x9b');
    // A marker is a titled element; the cell's tooltip carries the inert name.
    const marker = within(row(RLO)).getByText('<U+202E>');
    expect(marker.getAttribute('title')).toBe('U+202E RIGHT-TO-LEFT OVERRIDE');
    expect(row(RLO).querySelector('[role="gridcell"]')!.getAttribute('title')).toBe('invoice<U+202E>gnp.exe');
    // The long name is cut in its cell, whole in its tooltip.
    const long = row(LONG).querySelector('[role="gridcell"]')!;
    expect(long.textContent!.length).toBeLessThan(300);
    expect(long.textContent).toMatch(/…$/);
    expect(long.getAttribute('title')).toBe(LONG);
    expect(row('')).toBeTruthy();
    expectInert();
  });

  it('renders every hostile key inert in the detail pane', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(hostile.length));
    for (const name of hostile) {
      await fireEvent.dblClick(row(name));
      const pane = await screen.findByRole('complementary');
      await waitFor(() => expect(pane.querySelector('h2')!.textContent).toBe(name === LONG ? `${LONG.slice(0, 200)}…` : inertName(name)));
      expectInert();
    }
    // The key with everything hostile: fields, chips, details, history, notes, reason.
    await fireEvent.dblClick(row(hostile[0]));
    await waitFor(() => expect(screen.getByRole('complementary').textContent).toContain('rotated'));
    const pane = screen.getByRole('complementary');
    expect(pane.getAttribute('aria-label')).toBe('Details of \\x1b[31mRED ALERT\\x1b[0m \\x1b]0;pwned\\x07');
    const text = pane.textContent!;
    for (const shown of [
      'sk_<U+202E>…9f3a',
      'read\\x1b[8m',
      'write<U+202E>',
      'ci<U+2067>',
      'prod\\r',
      'mallory<U+200F>\\x9b',
      'leaked\\x7f',
      'region\\x1b',
      'eu<U+202E>west',
      '{"label":"<U+2066>x<U+2069>"}',
      'rotated\\x1b[2J (by <U+202E>admin)',
      'first line\\nsecond <U+202E>line',
    ]) {
      expect(text).toContain(shown);
    }
    expect(pane.querySelectorAll('.notes br')).toHaveLength(1);
    expectInert();
  });

  it('renders a hostile error message and advice inert: the notice, the sidebar, the banner', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(hostile.length));
    const notice = screen.getByRole('alert');
    expect(notice.textContent).toContain('settings \\x1b[31mlost<U+202E>');
    expect(notice.textContent).toContain('try\\nagain');
    const nav = screen.getByRole('navigation', { name: 'Sources' });
    const state = within(nav).getByText(/^sync failed:/).closest('.state')!;
    expect(state.textContent).toBe('sync failed: \\x1b]0;pwned\\x07 boom <U+202E>exe');
    expect(state.getAttribute('title')).toBe(
      'source evil: \\x1b]0;pwned\\x07 boom <U+202E>exe (request id req<U+202E>42) — ' +
        'Check the network and the URL, then sync again; the last listing is kept meanwhile. — ' +
        'The server says: call\\r\\nsupport — ' +
        "Request id: req<U+202E>42 (quote it to the provider's support)",
    );
    expectInert();
    await fireEvent.click(within(nav).getByRole('button', { name: /^evil/ }));
    const banner = await screen.findByText(/could not be listed yet/);
    const said = banner.closest('[role="status"]')!;
    expect(said.textContent).toContain('\\x1b]0;pwned\\x07 boom <U+202E>exe');
    expect(said.textContent).not.toContain('source evil:');
    expect(said.textContent).toContain('The server says: call\\r\\nsupport');
    expect(said.textContent).toContain('Request id: req<U+202E>42');
    expect(within(said as HTMLElement).getByRole('button', { name: 'Sync again: evil' })).toBeTruthy();
    expectInert();
  });

  it('echoes a hostile name inert in the revoke and delete confirmations', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(hostile.length));
    await fireEvent.click(row(RLO));
    grid().focus();
    await fireEvent.keyDown(grid(), { key: 'Delete' });
    const revoke = await screen.findByRole('dialog', { name: 'Revoke invoice<U+202E>gnp.exe?' });
    expect(within(revoke).getByText('<U+202E>').getAttribute('title')).toBe('U+202E RIGHT-TO-LEFT OVERRIDE');
    expectInert();
    await fireEvent.keyDown(revoke, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await fireEvent.dblClick(row(hostile[0]));
    const pane = await screen.findByRole('complementary');
    await fireEvent.click(within(pane).getByRole('button', { name: 'Delete' }));
    await screen.findByRole('dialog', { name: 'Delete \\x1b[31mRED ALERT\\x1b[0m \\x1b]0;pwned\\x07?' });
    expectInert();
  });

  /** What the CLI would print for a name (the long one aside). */
  function inertName(name: string) {
    return name
      .replace(/\n/g, '\\n')
      .replace(/\r/g, '\\r')
      .replace(/[\u0000-\u001f\u007f-\u009f]/gu, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
      .replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`);
  }
});

describe('a source with a warning', () => {
  it('says the server disagreed with itself, beside the source', async () => {
    backend.sources = [source({ name: 'team', warning: "the server's `count` says 7 but it returned 1 keys" })];
    await renderApp();
    const state = await screen.findByText(/· warning/);
    expect(state.closest('[title]')?.getAttribute('title')).toContain('`count` says 7');
  });
});
