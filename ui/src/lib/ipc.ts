// The only module that calls Tauri's `invoke`: every command the window uses is here,
// typed with the bindings generated from Rust (src/lib/bindings, see tests/bindings.rs).
import { Channel, invoke } from '@tauri-apps/api/core';
import type { CopyReceipt } from './bindings/CopyReceipt';
import { DEFAULT_QUERY } from './bindings/defaults';
import type { ErrorBody } from './bindings/ErrorBody';
import type { ErrorCode } from './bindings/ErrorCode';
import type { KeyDetail } from './bindings/KeyDetail';
import type { KeyEdit } from './bindings/KeyEdit';
import type { KeyPage } from './bindings/KeyPage';
import type { KeyRecord } from './bindings/KeyRecord';
import type { KeyRef } from './bindings/KeyRef';
import type { ListQuery } from './bindings/ListQuery';
import type { NewKey } from './bindings/NewKey';
import type { SecretInput } from './bindings/SecretInput';
import type { Settings } from './bindings/Settings';
import type { SourceInfo } from './bindings/SourceInfo';
import type { SourceInput } from './bindings/SourceInput';
import type { SyncProgress } from './bindings/SyncProgress';

/** A failed command, with the code, message and hint the Rust side gave it. */
export class IpcError extends Error {
  readonly code: ErrorCode | 'ipc';
  readonly hint: string | null;

  constructor(body: { code: ErrorCode | 'ipc'; message: string; hint: string | null }) {
    super(body.message);
    this.name = 'IpcError';
    this.code = body.code;
    this.hint = body.hint;
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
  return new IpcError({ code: 'ipc', message, hint: null });
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw asIpcError(error);
  }
}

/** The window's first listing: Rust's default query, on the local vault. */
export const defaultQuery: ListQuery = { ...DEFAULT_QUERY, source: 'local' };

/** One window of a listing: metadata only, never a secret. */
export const listKeys = (query: ListQuery, offset: number, limit: number) =>
  call<KeyPage>('list_keys', { query, offset, limit });
export const keyDetail = (key: KeyRef) => call<KeyDetail>('key_detail', { key });
export const addKey = (key: NewKey, secret: SecretInput) =>
  call<KeyRecord>('add_key', { key, secret });
export const editKey = (id: string, edit: KeyEdit) => call<KeyRecord>('edit_key', { id, edit });
export const rotateKey = (id: string, secret: SecretInput) =>
  call<KeyRecord>('rotate_key', { id, secret });
export const revokeKey = (key: KeyRef, reason: string | null) =>
  call<KeyRecord | null>('revoke_key', { key, reason });
export const deleteKey = (id: string) => call<null>('delete_key', { id });
/** The secret of one key, to show for a few seconds. */
export const revealSecret = (key: KeyRef) => call<string>('reveal_secret', { key });
/** Puts one key's secret on the clipboard (Rust clears it later); the secret stays in Rust. */
export const copySecret = (key: KeyRef) => call<CopyReceipt>('copy_secret', { key });
export const listSources = () => call<SourceInfo[]>('list_sources');
export const addSource = (source: SourceInput) => call<SourceInfo>('add_source', { source });
export const removeSource = (name: string) => call<null>('remove_source', { name });
/** Lists a source again; `onProgress` hears of each page as it arrives. */
export const syncSource = (name: string, onProgress: (progress: SyncProgress) => void) =>
  call<SourceInfo>('sync_source', { name, onProgress: new Channel<SyncProgress>(onProgress) });
/** Stops a running sync: it fails with `cancelled` and the source keeps its last listing. */
export const cancelSync = (name: string) => call<null>('cancel_sync', { name });
export const setSourceToken = (name: string, token: SecretInput) =>
  call<null>('set_source_token', { name, token });
export const getSettings = () => call<Settings>('get_settings');
export const saveSettings = (settings: Settings) => call<Settings>('save_settings', { settings });
