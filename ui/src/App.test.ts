import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import App from './App.svelte';
import type { KeyRecord } from './lib/bindings/KeyRecord';

function record(overrides: Partial<KeyRecord>): KeyRecord {
  return {
    id: '0b7c4f1e-8a7e-4c55-9c1e-3f1f1c2b9a01',
    name: 'stripe-live',
    mask: 'sk_live_…9f3a',
    scopes: ['charges:write', 'refunds'],
    tags: [],
    env: 'prod',
    status: 'active',
    source: 'local',
    created_at: '2026-11-01T10:00:00Z',
    updated_at: '2026-11-01T10:00:00Z',
    last_used_at: null,
    expires_at: null,
    revoked_at: null,
    revoke_reason: null,
    owner: null,
    details: {},
    ...overrides,
  };
}

afterEach(() => {
  cleanup();
  clearMocks();
});

describe('the first window', () => {
  it('lists the vault through list_keys with names, masks, scopes and status', async () => {
    const calls: string[] = [];
    mockIPC((cmd, args) => {
      calls.push(cmd);
      expect(args).toMatchObject({ query: { sort: 'name', descending: false } });
      return [
        record({}),
        record({ id: 'b', name: 'old-github', mask: 'ghp_…', scopes: [], status: 'revoked' }),
      ];
    });
    render(App);
    expect(await screen.findByText('stripe-live')).toBeTruthy();
    expect(screen.getByText('sk_live_…9f3a')).toBeTruthy();
    expect(screen.getByText('charges:write')).toBeTruthy();
    expect(screen.getByText('revoked').className).toContain('badge');
    expect(screen.getByText('2 keys')).toBeTruthy();
    expect(calls).toEqual(['list_keys']);
  });

  it('shows an error with its hint instead of a table', async () => {
    mockIPC(() => {
      throw {
        code: 'vault_too_new',
        message: 'the vault has schema version 9, newer than this keydeck understands (up to 1)',
        hint: 'update keydeck; the file was left untouched',
      };
    });
    render(App);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('newer than this keydeck understands');
    expect(alert.textContent).toContain('update keydeck');
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('tells a newcomer how to add a key when the vault is empty', async () => {
    mockIPC(() => []);
    render(App);
    expect(await screen.findByText('No keys yet')).toBeTruthy();
    expect(screen.getByText('0 keys')).toBeTruthy();
  });
});
