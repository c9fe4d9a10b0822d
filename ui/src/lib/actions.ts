// What can be done with a key, and why not: the context menu and the detail pane disable
// the same actions with the same words.
import type { KeyRecord } from './bindings/KeyRecord';
import { unable } from './next';

export type KeyAction = 'copy' | 'reveal' | 'edit' | 'rotate' | 'revoke' | 'delete';

const REMOTE = "A remote source's keys are changed on its server; keydeck only lists them.";

/** Why `action` cannot apply to `key`, or null when it can. */
export function whyNot(key: KeyRecord, action: KeyAction): string | null {
  // Rust says whether a secret can be had, and a key revoked; the window only words it.
  if (action === 'copy' || action === 'reveal') return key.cannot_reveal ? unable(key.cannot_reveal) : null;
  if (action === 'revoke') return key.cannot_revoke ? unable(key.cannot_revoke) : null;
  if (key.source !== 'local') return REMOTE;
  if (action === 'rotate' && key.status === 'revoked') return 'This key is revoked: give it no new secret, add a new key instead.';
  return null;
}
