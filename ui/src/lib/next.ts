// The window's words for what Rust sends as data: what to do next after a failure
// (NextAction), and why a key cannot be revealed or revoked (Unable). The CLI words the same
// data as commands to type; here it is a sentence, and a button when the window can do it.
import type { NextAction } from './bindings/NextAction';
import type { RemoteError } from './bindings/RemoteError';
import type { Unable } from './bindings/Unable';

/** A button that does the next step. What `does` means is up to App.svelte. */
export type Step = {
  /** What the button shows. */
  label: string;
  /** Its accessible name: the label, and whom it acts on. */
  name: string;
  does: 'manage' | 'sync';
  source: string;
};

/** What to do next, as a sentence a person understands (never a command to type). */
export function wording(action: NextAction): string {
  switch (action.kind) {
    case 'list_keys':
      return 'Look the key up in the list: it may have been renamed or deleted.';
    case 'list_sources':
      return 'Pick one of the sources in the sidebar.';
    case 'choose_another_name':
      return 'Choose another name, or rename the existing key first.';
    case 'unlock_keyring':
      return 'Unlock your login keyring (GNOME Keyring, KWallet or Keychain) and try again.';
    case 'start_keyring':
      return 'Secrets are kept only in your OS keyring: start it and try again. Listing keys still works.';
    case 'run_doctor':
      return 'Try again. If it keeps failing, the vault and the OS keyring may disagree: check that the keyring works.';
    case 'add_new_key':
      return 'A revoked key cannot be used again; add a new key instead.';
    case 'set_secret':
      return `The OS keyring no longer holds the secret of ${action.key}: give it one again with Rotate, or delete the key.`;
    case 'update_keydeck':
      return 'Update to a newer keydeck; nothing was changed.';
    case 'choose_home':
      return 'That folder does not hold a vault: start the app with your own data folder. Nothing was changed.';
    case 'reveal_instead':
      return 'Copying is not available here: use Reveal to see the secret instead.';
    case 'wait_and_retry':
      // The count crosses IPC as a JSON number, whatever its generated type says.
      return action.seconds != null ? `Try again in ${Number(action.seconds)} s.` : 'Try again in a minute.';
    case 'set_token':
      return `Give ${action.source} a token that may list its keys.`;
    case 'sync_later':
      return 'Check the network and the URL, then sync again; the last listing is kept meanwhile.';
    case 'check_source':
      return `Check the URL, the dialect and (for dialect 004) the user id of ${action.source}.`;
    case 'detect_dialect':
      return `The server does not answer in the dialect ${action.source} was set up with: remove the source and connect it again with the dialect set to Detect.`;
    case 'add_revoke_template':
      return `Revoke the key on the server itself, or connect ${action.source} again with a revoke request.`;
    case 'use_https':
      return 'Use an https:// URL. Plain http is only for this machine, unless you allow it under Advanced (then anyone on the network path can read the token and the keys).';
    case 'raise_sync_budget':
      return 'If the listing really is that large, raise the sync limits in Settings; the last listing is kept.';
    case 'ask_provider':
      return "The server's account or paging is at fault: ask its provider.";
  }
}

/** The button that does the next step, when the window can do it. */
export function step(action: NextAction): Step | null {
  switch (action.kind) {
    case 'set_token':
      return { label: 'Set a new token', name: `Set a new token for ${action.source}`, does: 'manage', source: action.source };
    case 'sync_later':
      return { label: 'Sync again', name: `Sync again: ${action.source}`, does: 'sync', source: action.source };
    case 'check_source':
    case 'detect_dialect':
    case 'add_revoke_template':
      return { label: `Manage ${action.source}`, name: `Manage ${action.source}`, does: 'manage', source: action.source };
    default:
      return null;
  }
}

/** Every line of advice for a failure: ours, then what the server itself said. */
export function advice(action: NextAction | null, remote?: RemoteError | null): string[] {
  const lines: string[] = [];
  if (action) lines.push(wording(action));
  if (remote?.server_hint) lines.push(`The server says: ${remote.server_hint}`);
  if (remote?.request_id) lines.push(`Request id: ${remote.request_id} (quote it to the provider's support)`);
  return lines;
}

/** Why a key cannot be revealed, copied or revoked, beside the action it disables. */
export function unable(why: Unable): string {
  switch (why.reason) {
    case 'revoked':
      return 'This key is revoked; its secret is gone.';
    case 'no_full_keys':
      return `Dialect ${why.dialect}'s API returns no full keys, so keydeck has no secret for this key.`;
    case 'no_revoke_request':
      return `Revoking is not part of dialect ${why.dialect}'s API, and this source has no revoke request.`;
  }
}
