// The only module that calls Tauri's `invoke`: every command the window uses is here,
// typed with the bindings generated from Rust (src/lib/bindings, see tests/bindings.rs).
import { Channel, invoke } from '@tauri-apps/api/core';
import type { BulkAction } from './bindings/BulkAction';
import type { BulkProgress } from './bindings/BulkProgress';
import type { Commands } from './bindings/commands';
import { DEFAULT_QUERY } from './bindings/defaults';
import type { ErrorBody } from './bindings/ErrorBody';
import type { ErrorCode } from './bindings/ErrorCode';
import type { KeyEdit } from './bindings/KeyEdit';
import type { KeyRef } from './bindings/KeyRef';
import type { ListQuery } from './bindings/ListQuery';
import type { NewKey } from './bindings/NewKey';
import type { NextAction } from './bindings/NextAction';
import type { RemoteError } from './bindings/RemoteError';
import type { RotationInput } from './bindings/RotationInput';
import type { SecretInput } from './bindings/SecretInput';
import type { Settings } from './bindings/Settings';
import type { SourceInput } from './bindings/SourceInput';
import type { SourceSpec } from './bindings/SourceSpec';
import type { SyncProgress } from './bindings/SyncProgress';

/** What a failure carries: an ErrorBody, or `ipc` when the call itself broke. */
export type Failure = {
  code: ErrorCode | 'ipc';
  message: string;
  action: NextAction | null;
  remote?: RemoteError | null;
};

/** A failed command, as data: the code to switch on, Rust's message, what to do next (each
 *  front end words it, see next.ts) and, from a remote source, what its server said. */
export class IpcError extends Error {
  readonly code: ErrorCode | 'ipc';
  readonly action: NextAction | null;
  readonly remote: RemoteError | null;

  constructor(body: Failure) {
    super(body.message);
    this.name = 'IpcError';
    this.code = body.code;
    this.action = body.action ?? null;
    this.remote = body.remote ?? null;
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorBody).code === 'string' &&
    typeof (value as ErrorBody).message === 'string'
  );
}

/** Any thrown value as an IpcError (never a raw stack trace on screen). */
export function asIpcError(error: unknown): IpcError {
  if (error instanceof IpcError) return error;
  if (isErrorBody(error)) return new IpcError(error);
  const message = error instanceof Error ? error.message : String(error);
  return new IpcError({ code: 'ipc', message, action: null });
}

/** The one way to Rust: the command's name, arguments and answer all come from the
 *  generated map, so a misspelt command or a wrong argument fails `npm run check`. */
async function call<C extends keyof Commands>(
  command: C,
  args: Commands[C]['args'],
): Promise<Commands[C]['answer']> {
  try {
    return await invoke<Commands[C]['answer']>(command, args);
  } catch (error) {
    throw asIpcError(error);
  }
}

/** The window's first listing: Rust's default query, over every source (`source: null`). */
export const defaultQuery: ListQuery = { ...DEFAULT_QUERY };

/** One window of a listing: metadata only, never a secret. */
export const listKeys = (query: ListQuery, offset: number, limit: number) =>
  call('list_keys', { query, offset, limit });
export const keyDetail = (key: KeyRef) => call('key_detail', { key });
export const addKey = (key: NewKey, secret: SecretInput) => call('add_key', { key, secret });
export const editKey = (id: string, edit: KeyEdit) => call('edit_key', { id, edit });
export const rotateKey = (id: string, secret: SecretInput, rotation: RotationInput) =>
  call('rotate_key', { id, secret, rotation });
export const revokeKey = (key: KeyRef, reason: string | null) => call('revoke_key', { key, reason });
export const deleteKey = (id: string) => call('delete_key', { id });
/** The secret of one key, to show for a few seconds. */
export const revealSecret = (key: KeyRef) => call('reveal_secret', { key });
/** The secret a vault key had before its last rotation, while it is kept. */
export const revealPrevious = (id: string) => call('reveal_previous', { id });
/** Puts one key's secret on the clipboard (Rust clears it later); the secret stays in Rust. */
export const copySecret = (key: KeyRef) => call('copy_secret', { key });
export const listSources = () => call('list_sources', {});
export const addSource = (source: SourceInput) => call('add_source', { source });
export const removeSource = (name: string) => call('remove_source', { name });
/** Lists a source again; `onProgress` hears of each page as it arrives. */
/** Revokes each key with one reason, with progress after each key; one key's failure is
 *  its own line of the report. */
export const applyToKeys = (keys: KeyRef[], action: BulkAction, onProgress: (progress: BulkProgress) => void) =>
  call('apply_to_keys', { keys, action, onProgress: new Channel<BulkProgress>(onProgress) });
export const syncSource = (name: string, onProgress: (progress: SyncProgress) => void) =>
  call('sync_source', { name, onProgress: new Channel<SyncProgress>(onProgress) });
/** Stops a running sync: it fails with `cancelled` and the source keeps its last listing. */
export const cancelSync = (name: string) => call('cancel_sync', { name });
/** Saves a source's new settings (and token, when given) once its server lists keys with
 *  them; a refusal is thrown and nothing changes. */
export const editSource = (name: string, settings: SourceSpec, token: string | null) =>
  call('edit_source', { name, settings, token });
/** Calls `onChange` whenever the vault changed: here, or elsewhere (the CLI, a sync). */
export const watchVault = (onChange: () => void) =>
  call('watch_vault', { onChange: new Channel<null>(onChange) });
/** The first screen has painted (the start-up benchmark's mark; a no-op otherwise). */
export const firstPaint = () => call('first_paint', {});
/** The version and commit of this build, for Settings → About. */
export const about = () => call('about', {});
export const getSettings = () => call('get_settings', {});
export const saveSettings = (settings: Settings) => call('save_settings', { settings });
/** The keys copied last, newest first (quick access shows them first). */
export const recentKeys = () => call('recent_keys', {});
/** Hides the quick access palette. */
export const hideQuickAccess = () => call('hide_quick_access', {});
