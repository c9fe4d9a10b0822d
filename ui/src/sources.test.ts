// Managing a source in the window: every setting can be changed (not only the token), and a
// server that refuses the settings keeps the dialog open with nothing saved.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { clearMocks } from '@tauri-apps/api/mocks';
import { fakeBackend, remoteError, source, type Backend } from './test/backend';
import { expectAccessible, renderApp } from './test/window';

let backend: Backend;

beforeEach(() => {
  backend = fakeBackend();
});

afterEach(() => {
  cleanup();
  clearMocks();
});

async function manage(name: string) {
  await renderApp();
  const nav = screen.getByRole('navigation', { name: 'Sources' });
  await fireEvent.click(await within(nav).findByRole('button', { name: `Manage ${name}` }));
  return screen.findByRole('dialog', { name: `Source ${name}` });
}

const input = (dialog: HTMLElement, label: string) => within(dialog).getByLabelText(label) as HTMLInputElement;

describe('managing a source', () => {
  it('starts from the source as it is and sends every changed setting, keeping the token unless one is typed', async () => {
    backend.sources = [source({ name: 'team', url: 'https://old.example.com/', dialect: '000', revoke_template: 'DELETE /k/{id}' })];
    const dialog = await manage('team');
    expect(input(dialog, 'URL').value).toBe('https://old.example.com/');
    expect((within(dialog).getByLabelText('Dialect') as HTMLSelectElement).value).toBe('000');
    expect(input(dialog, 'Revoke request').value).toBe('DELETE /k/{id}');
    expect(input(dialog, 'New token').value).toBe('');
    await expectAccessible('the manage source dialog');

    await fireEvent.input(input(dialog, 'URL'), { target: { value: 'https://new.example.com/' } });
    const dialect = within(dialog).getByLabelText('Dialect') as HTMLSelectElement;
    dialect.value = '004';
    await fireEvent.change(dialect);
    await fireEvent.input(input(dialog, 'User id (dialect 004)'), { target: { value: 'u_42' } });
    await fireEvent.input(input(dialog, 'Auth header'), { target: { value: 'X-Service-Key' } });
    await fireEvent.input(input(dialog, 'Revoke request'), { target: { value: 'POST /revoke/{id}' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(backend.last('edit_source')).toEqual({
      name: 'team',
      settings: {
        name: 'team',
        url: 'https://new.example.com/',
        dialect: '004',
        auth_header: 'X-Service-Key',
        auth_scheme: null,
        user_id: 'u_42',
        revoke_template: 'POST /revoke/{id}',
        allow_insecure: false,
      },
      token: null,
    });
  });

  it('keeps a bare-token scheme the source had when the field is left empty', async () => {
    backend.sources = [source({ name: 'team', auth_header: 'X-Key', auth_scheme: '' })];
    const dialog = await manage('team');
    expect(within(dialog).getByText('Advanced').closest('details')!.open).toBe(true);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(backend.last('edit_source')).toBeDefined());
    expect(backend.last('edit_source')!.settings).toMatchObject({ auth_header: 'X-Key', auth_scheme: '' });
  });

  it('keeps the dialog open, with what was typed, when the server refuses the new settings', async () => {
    backend.sources = [source({ name: 'team' })];
    backend.failing.edit_source = remoteError('team', 'unauthorized', 'source team: Authentication failed', { status: 401 });
    const dialog = await manage('team');
    await fireEvent.input(input(dialog, 'New token'), { target: { value: 'tok_wrong_0123456789' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('Authentication failed');
    expect(dialog.textContent).toContain('Nothing was saved');
    // The fix is this form: no "Set a new token" step pointing elsewhere.
    expect(within(dialog).queryByRole('button', { name: /Set a new token/ })).toBeNull();
    expect(input(dialog, 'New token').value).toBe('tok_wrong_0123456789');
    expect(screen.getByRole('dialog', { name: 'Source team' })).toBe(dialog);
  });
});

describe('connecting a server', () => {
  it('says nothing was saved when the server refuses the token, and lets the user fix it there', async () => {
    backend.failing.add_source = remoteError('prod', 'unauthorized', 'source prod: Authentication failed', { status: 401 });
    await renderApp();
    await fireEvent.click(await screen.findByRole('button', { name: '+ Connect a server' }));
    const dialog = await screen.findByRole('dialog', { name: 'Connect a server' });
    await fireEvent.input(input(dialog, 'Name'), { target: { value: 'prod' } });
    await fireEvent.input(input(dialog, 'URL'), { target: { value: 'https://keys.example.com/' } });
    await fireEvent.input(input(dialog, 'Token'), { target: { value: 'tok_wrong_0123456789' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Connect' }));
    await within(dialog).findByRole('alert');
    expect(dialog.textContent).toContain('Nothing was saved');
    expect(input(dialog, 'Name').value).toBe('prod');
    await expectAccessible('the connect dialog with a refusal');
    delete backend.failing.add_source;
    await fireEvent.input(input(dialog, 'Token'), { target: { value: 'tok_right_0123456789' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Connect' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(backend.last('add_source')).toMatchObject({ source: { name: 'prod', token: 'tok_right_0123456789' } });
  });
});
