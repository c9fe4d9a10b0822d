import { describe, expect, it } from 'vitest';
import type { RemoteError } from './lib/bindings/RemoteError';
import { advice, step, unable, wording } from './lib/next';
import { everyAction } from './test/backend';

/** What the CLI prints and the window must not: its commands, their flags. */
const CLI = /keydeck\s|--|set-token|`/i;

describe('what to do next, in the window\'s words', () => {
  it('words every NextAction as a sentence, never as a command to type', () => {
    for (const action of Object.values(everyAction)) {
      const text = wording(action);
      expect(text, action.kind).toMatch(/^[A-Z].*[.)]$/);
      expect(text, action.kind).not.toMatch(CLI);
      const button = step(action);
      if (button) {
        expect(button.label, action.kind).not.toMatch(CLI);
        expect(button.name, action.kind).not.toMatch(CLI);
        // The accessible name holds what the button shows, and says which source it acts on.
        expect(button.name, action.kind).toContain(button.label);
        expect(button.name, action.kind).toContain('prod');
      }
    }
  });

  it('offers a button only where the window can do the step', () => {
    const steps = Object.fromEntries(Object.values(everyAction).map((a) => [a.kind, step(a)]));
    expect(steps.set_token).toEqual({ label: 'Set a new token', name: 'Set a new token for prod', does: 'manage', source: 'prod' });
    expect(steps.sync_later).toEqual({ label: 'Sync again', name: 'Sync again: prod', does: 'sync', source: 'prod' });
    for (const kind of ['check_source', 'detect_dialect', 'add_revoke_template']) {
      expect(steps[kind]).toEqual({ label: 'Manage prod', name: 'Manage prod', does: 'manage', source: 'prod' });
    }
    const withButton = Object.entries(steps).filter(([, s]) => s).map(([kind]) => kind).sort();
    expect(withButton).toEqual(['add_revoke_template', 'check_source', 'detect_dialect', 'set_token', 'sync_later']);
  });

  it('says how long to wait when Rust knows', () => {
    // A JSON number on the wire.
    const wait = JSON.parse('{"kind":"wait_and_retry","seconds":42}');
    expect(wording(wait)).toBe('Try again in 42 s.');
    expect(wording(everyAction.wait_and_retry)).toBe('Try again in a minute.');
  });

  it('adds what the server itself said: its hint and its request id', () => {
    const remote: RemoteError = {
      source: 'prod',
      kind: 'unauthorized',
      status: 401,
      code: 'invalid_token',
      message: 'the token is not valid',
      server_hint: 'create a new token in the console',
      request_id: 'req_42',
      fields: [],
      retry_after_secs: null,
    };
    expect(advice(everyAction.set_token, remote)).toEqual([
      'Give prod a token that may list its keys.',
      'The server says: create a new token in the console',
      "Request id: req_42 (quote it to the provider's support)",
    ]);
    expect(advice(null, { ...remote, server_hint: null, request_id: null })).toEqual([]);
  });
});

describe('why a key cannot be revealed or revoked', () => {
  it('words each reason Rust gives', () => {
    expect(unable({ reason: 'revoked' })).toBe('This key is revoked; its secret is gone.');
    expect(unable({ reason: 'no_full_keys', dialect: '003' })).toBe(
      "Dialect 003's API returns no full keys, so keydeck has no secret for this key.",
    );
    expect(unable({ reason: 'no_revoke_request', dialect: '000' })).toBe(
      "Revoking is not part of dialect 000's API, and this source has no revoke request.",
    );
  });
});
