// Every key in one view: the All keys entry, its Source column, filters per source, and the
// bulk selection with its revoke (mouse and keyboard).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { clearMocks } from '@tauri-apps/api/mocks';
import { columnChoice } from './lib/columns.svelte';
import { fakeBackend, record, source, type Backend } from './test/backend';
import { expectAccessible, grid, renderApp, row, rows } from './test/window';

let backend: Backend;

beforeEach(() => {
  backend = fakeBackend();
  backend.sources = [source({ name: 'team', dialect: '002', key_count: 2 }), source({ name: 'ops', dialect: '000', key_count: 1 })];
  backend.keys.push(
    record({ id: 't1', name: 'team-ci', source: 'team', env: 'ci', mask: 'kd_…t1' }),
    record({ id: 't2', name: 'team-web', source: 'team', mask: 'kd_…t2' }),
    record({
      id: 'o1',
      name: 'ops-pager',
      source: 'ops',
      mask: 'op_…o1',
      cannot_revoke: { reason: 'no_revoke_request', dialect: '000' },
    }),
  );
});

afterEach(() => {
  cleanup();
  clearMocks();
});

const nav = () => screen.getByRole('navigation', { name: 'Sources' });
const current = () => within(nav()).getAllByRole('button').find((b) => b.getAttribute('aria-current') === 'true');
const headers = () => [...document.querySelectorAll('[role="columnheader"]')].map((h) => h.textContent?.trim());

describe('the All keys view', () => {
  it('is the first view once a source exists: every source in one table, with a Source column', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(7));
    expect(current()?.textContent).toContain('All keys');
    expect(within(current()!).getByText('7')).toBeTruthy();
    expect(headers()).toContain('Source');
    expect(within(row('team-ci')).getByText('team')).toBeTruthy();
    expect(within(row('stripe-live')).getByText('vault')).toBeTruthy();
    expect(backend.lastListing()).toMatchObject({ query: { source: null } });
    await expectAccessible('the All keys view');

    // One source's view has no Source column.
    await fireEvent.click(within(nav()).getByRole('button', { name: /^team/ }));
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(headers()).not.toContain('Source');
  });

  it('is not offered while the vault is the only source', async () => {
    backend.sources = [];
    backend.keys = backend.keys.filter((k) => k.source === 'local');
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(4));
    expect(within(nav()).queryByText('All keys')).toBeNull();
    expect(current()?.textContent).toContain('Local vault');
  });

  it('resets the filters when another source is chosen, so one never silently empties another', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(7));
    const search = screen.getByRole('searchbox', { name: 'Search keys' }) as HTMLInputElement;
    await fireEvent.input(search, { target: { value: 'ci' } });
    await waitFor(() => expect(rows().map((r) => r.dataset.keyName)).toEqual(['github-ci', 'team-ci']));
    search.blur();
    await fireEvent.click(within(nav()).getByRole('button', { name: /^ops/ }));
    await waitFor(() => expect(rows().map((r) => r.dataset.keyName)).toEqual(['ops-pager']));
    expect(search.value).toBe('');
    expect(backend.lastListing()).toMatchObject({ query: { source: 'ops', search: null } });
  });
});

describe('the column choice', () => {
  it('hides and shows the optional columns, and remembers the choice', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(7));
    expect(headers()).toEqual(expect.arrayContaining(['Env', 'Tags']));
    expect(headers()).not.toContain('Owner'); // until asked for
    const choice = screen.getByRole('group', { name: 'Columns to show' });
    await fireEvent.click(within(choice).getByLabelText('Env'));
    await waitFor(() => expect(headers()).not.toContain('Env'));
    await fireEvent.click(within(choice).getByLabelText('Owner'));
    await waitFor(() => expect(headers()).toContain('Owner'));
    expect(JSON.parse(localStorage.getItem('keydeck.hiddenColumns')!)).toEqual(['env']);
    await expectAccessible('the column choice');
    // Back as it was for the other tests.
    await fireEvent.click(within(choice).getByLabelText('Env'));
    await fireEvent.click(within(choice).getByLabelText('Owner'));
  });
});

describe('column widths', () => {
  it('remembers the width a column was given, and the table starts with it', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(7));
    const handle = screen.getByRole('separator', { name: 'Resize the Name column' });
    await fireEvent.keyDown(handle, { key: 'ArrowRight' });
    await fireEvent.keyDown(handle, { key: 'ArrowRight' });
    const saved = JSON.parse(localStorage.getItem('keydeck.columnWidths')!);
    expect(saved.name).toBeGreaterThanOrEqual(60);
    cleanup();
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(7));
    expect(screen.getByRole('grid', { name: 'Keys' }).getAttribute('style')).toContain(`${saved.name}px`);
    // Back as it was for the other tests.
    localStorage.removeItem('keydeck.columnWidths');
    columnChoice.widths = {};
  });
});

describe('the bulk selection', () => {
  it('checks rows with Ctrl+click and Shift+click and revokes them with one reason, with a report', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(7));
    await fireEvent.click(row('team-ci'));
    await fireEvent.click(row('team-web'), { shiftKey: true });
    await fireEvent.click(row('ops-pager'), { ctrlKey: true });
    await waitFor(() => expect(screen.getByRole('region', { name: 'Selection' }).textContent).toContain('3 keys selected'));
    expect(rows().filter((r) => r.getAttribute('aria-selected') === 'true').map((r) => r.dataset.keyName)).toEqual([
      'ops-pager',
      'team-ci',
      'team-web',
    ]);
    await expectAccessible('the bulk selection');

    await fireEvent.click(screen.getByRole('button', { name: 'Revoke…' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('Revoke 3 keys?');
    expect(dialog.textContent).toContain('on its own, in team and ops.');
    await fireEvent.input(within(dialog).getByLabelText(/Reason/), { target: { value: 'CI moved' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke 3' }));
    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toContain('2 revoked, 1 failed.'));
    const failed = within(dialog).getByRole('list', { name: 'Keys not revoked' });
    expect(failed.textContent).toContain('ops-pager');
    expect(failed.textContent).toContain('has no revoke request');
    await expectAccessible('the bulk revoke report');
    expect(backend.last('apply_to_keys')).toMatchObject({ action: { kind: 'revoke', reason: 'CI moved' } });
    expect((backend.last('apply_to_keys')!.keys as { source: string }[]).map((k) => k.source)).toEqual(['team', 'team', 'ops']);

    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Done' }));
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Selection' })).toBeNull());
    await waitFor(() => expect(within(row('team-ci')).getByText('revoked')).toBeTruthy());
  });

  it('works from the keyboard: Space, Shift+↓, Ctrl+A with the count typed, Esc', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(7));
    const table = grid();
    table.focus();
    await fireEvent.keyDown(table, { key: 'ArrowDown' }); // the first row
    await fireEvent.keyDown(table, { key: ' ' });
    await fireEvent.keyDown(table, { key: 'ArrowDown', shiftKey: true });
    await waitFor(() => expect(screen.getByRole('region', { name: 'Selection' }).textContent).toContain('2 keys selected'));
    // Delete revokes the checked keys, after asking.
    await fireEvent.keyDown(table, { key: 'Delete' });
    const asked = await screen.findByRole('dialog');
    expect(asked.textContent).toContain('Revoke 2 keys?');
    await fireEvent.keyDown(asked, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await fireEvent.keyDown(table, { key: 'Escape' });
    expect(screen.queryByRole('region', { name: 'Selection' })).toBeNull();

    // Ctrl+A takes every key the filter matches; revoking them asks for their number.
    await fireEvent.keyDown(table, { key: 'a', ctrlKey: true });
    const bar = await screen.findByRole('region', { name: 'Selection' });
    expect(bar.textContent).toContain('7 keys selected');
    expect(bar.textContent).toContain('every key this filter matches');
    await fireEvent.click(within(bar).getByRole('button', { name: 'Revoke…' }));
    const dialog = await screen.findByRole('dialog');
    // One of the seven is revoked already: six to revoke, and the six must be typed.
    expect(dialog.textContent).toContain('1 of the checked keys is revoked already');
    const go = within(dialog).getByRole('button', { name: 'Revoke 6' }) as HTMLButtonElement;
    expect(go.disabled).toBe(true);
    await fireEvent.input(within(dialog).getByLabelText(/type 6 to confirm/), { target: { value: '7' } });
    expect(go.disabled).toBe(true);
    await fireEvent.input(within(dialog).getByLabelText(/type 6 to confirm/), { target: { value: '6' } });
    expect(go.disabled).toBe(false);
    await fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(backend.last('apply_to_keys')).toBeUndefined();
  });
});
