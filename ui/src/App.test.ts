import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { clearMocks } from '@tauri-apps/api/mocks';
import App from './App.svelte';
import { app } from './lib/state.svelte';
import { fakeBackend, record, source, type Backend } from './test/backend';

/** A fresh window over the fake backend. */
async function renderApp() {
  app.reset();
  return render(App, { props: { tableHeight: 600 } });
}

const rows = () => screen.queryAllByRole('row').filter((r) => r.getAttribute('aria-rowindex') !== '1');
const row = (name: string) => rows().find((r) => r.dataset.keyName === name)!;
const grid = () => screen.getByRole('grid', { name: 'Keys' });

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
    expect(backend.lastListing()).toMatchObject({ query: { source: 'local', sort: 'name' }, offset: 0 });
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

  it('shows a failed add with its hint and keeps the dialog open', async () => {
    backend.failing.add_key = { code: 'duplicate_name', message: 'a key named `stripe-live` already exists', hint: 'choose another name' };
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.click(screen.getByRole('button', { name: '+ Add key' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a key' });
    await fireEvent.click(within(dialog).getByLabelText(/Generate a random secret/));
    await fireEvent.input(within(dialog).getByLabelText('Name'), { target: { value: 'stripe-live' } });
    await fireEvent.submit(dialog.querySelector('form')!);
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('already exists');
    expect(alert.textContent).toContain('choose another name');
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
});

describe('sources', () => {
  it('shows each source with its count and state, and syncs it', async () => {
    backend.sources = [
      source({ name: 'prod', key_count: 2 }),
      source({ name: 'flaky', key_count: 7, stale: true, last_error: { code: 'remote_unreachable', message: 'cannot connect', hint: 'check the network' } }),
    ];
    await renderApp();
    const nav = screen.getByRole('navigation', { name: 'Sources' });
    await waitFor(() => expect(within(nav).getByText('synced 3 minutes ago')).toBeTruthy());
    expect(within(nav).getByText('offline · showing the last listing')).toBeTruthy();
    expect(within(nav).getByLabelText('4 keys')).toBeTruthy(); // the local vault
    expect(within(nav).getByLabelText('7 keys')).toBeTruthy();
    await fireEvent.click(within(nav).getByRole('button', { name: 'Sync prod' }));
    await waitFor(() => expect(backend.last('sync_source')).toEqual({ name: 'prod' }));
  });

  it('disables revoke on a remote key without a revoke template, and says why', async () => {
    backend.sources = [source({ name: 'prod', dialect: '000' })];
    backend.keys.push(record({ name: 'remote-one', source: 'prod' }));
    await renderApp();
    await fireEvent.click(await screen.findByRole('button', { name: /^prod/ }));
    await waitFor(() => expect(rows().map((r) => r.dataset.keyName)).toEqual(['remote-one']));
    await fireEvent.dblClick(row('remote-one'));
    const pane = await screen.findByRole('complementary', { name: 'Details of remote-one' });
    expect((within(pane).getByRole('button', { name: 'Revoke' }) as HTMLButtonElement).disabled).toBe(true);
    expect(within(pane).getByText(/no revoke template/)).toBeTruthy();
    expect(within(pane).queryByRole('button', { name: 'Edit' })).toBeNull();
  });
});

describe('errors and empty states', () => {
  it('shows a vault that cannot be opened with its hint, and no table', async () => {
    backend.failing.list_keys = { code: 'vault_too_new', message: 'the vault has schema version 9', hint: 'update keydeck; the file was left untouched' };
    await renderApp();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('schema version 9');
    expect(alert.textContent).toContain('update keydeck');
    expect(screen.queryByRole('grid')).toBeNull();
  });

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
