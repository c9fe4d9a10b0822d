// The only module that calls Tauri's `invoke`: every command the window uses is here,
// typed with the bindings generated from Rust (src/lib/bindings, see tests/bindings.rs).
import { invoke } from '@tauri-apps/api/core';
import type { ErrorBody } from './bindings/ErrorBody';
import type { ErrorCode } from './bindings/ErrorCode';
import type { KeyRecord } from './bindings/KeyRecord';
import type { ListQuery } from './bindings/ListQuery';

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

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    if (isErrorBody(error)) throw new IpcError(error);
    throw new IpcError({ code: 'ipc', message: String(error), hint: null });
  }
}

export const defaultQuery: ListQuery = {
  source: 'local',
  search: null,
  status: null,
  scope: null,
  sort: 'name',
  descending: false,
};

/** Lists the local vault: metadata only, never a secret. */
export function listKeys(query: ListQuery = defaultQuery): Promise<KeyRecord[]> {
  return call<KeyRecord[]>('list_keys', { query });
}
