// Bulk delete and bulk tags: only the vault's own keys are changed (a remote key is its
// server's), each key on its own, with the count typed for a whole filter.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { clearMocks } from '@tauri-apps/api/mocks';
import { fakeBackend, record, source, type Backend } from './test/backend';
import { expectAccessible, grid, renderApp, row, rows } from './test/window';

let backend: Backend;

beforeEach(() => {
  backend = fakeBackend();
  backend.sources = [source({ name: 'team', dialect: '002', key_count: 1 })];
  backend.keys.push(record({ id: 't1', name: 'team-ci', source: 'team', mask: 'kd_…t1' }));
});

afterEach(() => {
  cleanup();
  clearMocks();
});

async function check(...names: string[]) {
  await renderApp();
  await waitFor(() => expect(rows()).toHaveLength(5));
  for (const name of names) await fireEvent.click(row(name), { ctrlKey: true });
  const bar = await screen.findByRole('region', { name: 'Selection' });
  await waitFor(() => expect(bar.textContent).toContain(`${names.length} ${names.length === 1 ? 'key' : 'keys'} selected`));
  return bar;
}

const keyRefs = () => (backend.last('apply_to_keys')!.keys as { source: string; id: string }[]).map((k) => `${k.source}/${k.id}`);

describe('bulk tags', () => {
  it('adds a tag to the checked vault keys, leaving a remote key out and saying so', async () => {
    const bar = await check('stripe-live', 'github-ci', 'team-ci');
    await fireEvent.click(within(bar).getByRole('button', { name: 'Tag…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Tag 2 keys' });
    expect(document.activeElement).toBe(within(dialog).getByLabelText('Tag'));
    expect(dialog.textContent).toContain('1 key from remote sources is left out');
    const go = within(dialog).getByRole('button', { name: 'Add the tag to 2' }) as HTMLButtonElement;
    expect(go.disabled).toBe(true); // no tag typed yet
    await fireEvent.input(within(dialog).getByLabelText('Tag'), { target: { value: ' billing ' } });
    await expectAccessible('the bulk tag dialog');
    expect(within(dialog).queryByLabelText(/to confirm/)).toBeNull(); // a few keys checked by hand
    await fireEvent.click(go);
    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toContain('2 tagged, 0 failed.'));
    expect(backend.last('apply_to_keys')!.action).toEqual({ kind: 'add_tag', tag: 'billing' });
    expect(keyRefs().sort()).toEqual(['local/id-github-ci', 'local/id-stripe-live']);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(within(row('stripe-live')).queryByText('billing')).toBeTruthy());
  });

  it('removes a tag the checked keys have, offering those tags', async () => {
    backend.keys.find((k) => k.name === 'stripe-live')!.tags = ['billing', 'prod'];
    const bar = await check('stripe-live');
    await fireEvent.click(within(bar).getByRole('button', { name: 'Tag…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Tag 1 key' });
    await fireEvent.click(within(dialog).getByLabelText('Remove a tag'));
    const choice = within(dialog).getByLabelText('Tag') as HTMLSelectElement;
    expect([...choice.options].map((o) => o.value)).toEqual(['billing', 'prod']);
    expect(choice.value).toBe('billing');
    choice.value = 'prod';
    await fireEvent.change(choice);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Remove the tag from 1' }));
    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toContain('1 tagged'));
    expect(backend.last('apply_to_keys')!.action).toEqual({ kind: 'remove_tag', tag: 'prod' });
    expect(backend.keys.find((k) => k.name === 'stripe-live')!.tags).toEqual(['billing']);
  });

  it('tags every key a filter matches without asking for their count (nothing is lost)', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(5));
    const table = grid();
    table.focus();
    await fireEvent.keyDown(table, { key: 'a', ctrlKey: true });
    const bar = await screen.findByRole('region', { name: 'Selection' });
    await fireEvent.click(within(bar).getByRole('button', { name: 'Tag…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Tag 4 keys' });
    expect(within(dialog).queryByLabelText(/to confirm/)).toBeNull();
    await fireEvent.input(within(dialog).getByLabelText('Tag'), { target: { value: 'audit' } });
    expect((within(dialog).getByRole('button', { name: 'Add the tag to 4' }) as HTMLButtonElement).disabled).toBe(false);
  });
});

describe('bulk delete', () => {
  it('deletes the checked vault keys after asking, and a whole filter needs its count typed', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(5));
    const table = grid();
    table.focus();
    await fireEvent.keyDown(table, { key: 'a', ctrlKey: true });
    const bar = await screen.findByRole('region', { name: 'Selection' });
    await fireEvent.click(within(bar).getByRole('button', { name: 'Delete…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete 4 keys?' });
    expect(dialog.textContent).toContain('cannot be undone');
    expect(dialog.textContent).toContain('1 key from remote sources is left out');
    const go = within(dialog).getByRole('button', { name: 'Delete 4' }) as HTMLButtonElement;
    expect(go.disabled).toBe(true);
    await fireEvent.input(within(dialog).getByLabelText(/type 4 to confirm/), { target: { value: '4' } });
    expect(go.disabled).toBe(false);
    await expectAccessible('the bulk delete dialog');
    await fireEvent.click(go);
    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toContain('4 deleted, 0 failed.'));
    expect(backend.last('apply_to_keys')!.action).toEqual({ kind: 'delete' });
    expect(keyRefs().every((k) => k.startsWith('local/'))).toBe(true);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(rows().map((r) => r.dataset.keyName)).toEqual(['team-ci']));
  });
});
