// An in-memory keydeck behind mocked IPC: the commands of src/lib/ipc.ts, answered the way
// the Rust side answers them, with every call recorded.
import { mockIPC } from '@tauri-apps/api/mocks';
import { DEFAULT_SETTINGS } from '../lib/bindings/defaults';
import type { ErrorBody } from '../lib/bindings/ErrorBody';
import type { KeyDetail } from '../lib/bindings/KeyDetail';
import type { KeyPage } from '../lib/bindings/KeyPage';
import type { KeyRecord } from '../lib/bindings/KeyRecord';
import type { ListQuery } from '../lib/bindings/ListQuery';
import type { NextAction } from '../lib/bindings/NextAction';
import type { RemoteError } from '../lib/bindings/RemoteError';
import type { RemoteErrorKind } from '../lib/bindings/RemoteErrorKind';
import type { Settings } from '../lib/bindings/Settings';
import type { SourceSpec } from '../lib/bindings/SourceSpec';
import type { BulkAction } from '../lib/bindings/BulkAction';
import type { SourceInfo } from '../lib/bindings/SourceInfo';
import type { SyncProgress } from '../lib/bindings/SyncProgress';

export type Call = { cmd: string; args: Record<string, unknown> };

export function record(overrides: Partial<KeyRecord>): KeyRecord {
  return {
    id: overrides.name ? `id-${overrides.name}` : 'id-x',
    name: 'x',
    mask: 'sk_live_…9f3a',
    scopes: [],
    tags: [],
    env: null,
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
    cannot_reveal: null,
    cannot_revoke: null,
    ...overrides,
  };
}

/** One NextAction of every kind, for the source `prod`: the type makes it list them all, so
 *  a kind added in Rust fails `npm run check` until tests cover it. */
export const everyAction: { [K in NextAction['kind']]: Extract<NextAction, { kind: K }> } = {
  list_keys: { kind: 'list_keys' },
  list_sources: { kind: 'list_sources' },
  choose_another_name: { kind: 'choose_another_name' },
  unlock_keyring: { kind: 'unlock_keyring' },
  start_keyring: { kind: 'start_keyring' },
  run_doctor: { kind: 'run_doctor' },
  add_new_key: { kind: 'add_new_key' },
  set_secret: { kind: 'set_secret', key: 'stripe-live' },
  update_keydeck: { kind: 'update_keydeck' },
  choose_home: { kind: 'choose_home' },
  reveal_instead: { kind: 'reveal_instead' },
  wait_and_retry: { kind: 'wait_and_retry', seconds: null },
  set_token: { kind: 'set_token', source: 'prod' },
  sync_later: { kind: 'sync_later', source: 'prod' },
  check_source: { kind: 'check_source', source: 'prod' },
  detect_dialect: { kind: 'detect_dialect', source: 'prod' },
  add_revoke_template: { kind: 'add_revoke_template', source: 'prod' },
  use_https: { kind: 'use_https' },
  raise_sync_budget: { kind: 'raise_sync_budget' },
  ask_provider: { kind: 'ask_provider' },
};

/** What Rust's RemoteError::action answers for each kind. */
function remoteAction(kind: RemoteErrorKind, source: string, retryAfter: number | null): NextAction | null {
  switch (kind) {
    case 'unauthorized':
    case 'forbidden':
    case 'no_credential':
      return { kind: 'set_token', source };
    case 'not_found':
    case 'invalid_request':
    case 'not_implemented':
    case 'unexpected_status':
    case 'redirect':
    case 'unsupported':
      return { kind: 'check_source', source };
    case 'payment_required':
    case 'paging':
      return { kind: 'ask_provider' };
    case 'upgrade_required':
      return { kind: 'update_keydeck' };
    case 'rate_limited':
      // Rust sends a JSON number, though the generated type says bigint.
      return { kind: 'wait_and_retry', seconds: retryAfter as unknown as Extract<NextAction, { kind: 'wait_and_retry' }>['seconds'] };
    case 'server_error':
    case 'timeout':
    case 'unreachable':
      return { kind: 'sync_later', source };
    case 'too_large':
      return { kind: 'raise_sync_budget' };
    case 'invalid_response':
      return { kind: 'detect_dialect', source };
    case 'insecure':
      return { kind: 'use_https' };
    case 'no_revoke_template':
      return { kind: 'add_revoke_template', source };
    case 'no_full_keys':
      return null;
  }
}

/** A failure of a remote source the way Rust sends it: code `remote`, Rust's whole line in
 *  `message`, what the server said in `remote`, and the action its kind calls for. */
export function remoteError(source: string, kind: RemoteErrorKind, message: string, server: Partial<RemoteError> = {}): ErrorBody {
  const remote: RemoteError = {
    source,
    kind,
    status: null,
    code: null,
    message,
    server_hint: null,
    request_id: null,
    fields: [],
    retry_after_secs: null,
    ...server,
  };
  const facts = [remote.status && `HTTP ${remote.status}`, remote.request_id && `request id ${remote.request_id}`].filter(Boolean);
  return {
    code: 'remote',
    message: `source ${source}: ${message}${facts.length ? ` (${facts.join(', ')})` : ''}`,
    action: remoteAction(kind, source, remote.retry_after_secs),
    remote,
  };
}

export const sampleKeys: KeyRecord[] = [
  record({ name: 'stripe-live', mask: 'sk_live_…9f3a', scopes: ['charges:write', 'refunds'] }),
  record({ name: 'github-ci', mask: 'ghp_…8B4a', scopes: ['repo'], status: 'expiring', expires_at: '2026-12-01T00:00:00Z' }),
  record({
    name: 'slack-bot',
    mask: 'xoxb-…alue',
    scopes: ['chat:write'],
    status: 'revoked',
    revoked_at: '2026-11-20T00:00:00Z',
    cannot_reveal: { reason: 'revoked' },
    cannot_revoke: { reason: 'revoked' },
  }),
  record({ name: 'aws-deploy', mask: '…0000', status: 'expired', expires_at: '2025-01-01T00:00:00Z' }),
];

export interface Backend {
  calls: Call[];
  keys: KeyRecord[];
  sources: SourceInfo[];
  settings: Settings;
  secrets: Record<string, string>;
  /** Commands that fail with this error body. */
  failing: Record<string, ErrorBody>;
  /** Commands that answer only once this promise settles (a slow vault). */
  holding: Record<string, Promise<unknown>>;
  /** What key_detail adds to a key, by id (notes, history…). */
  details: Record<string, Partial<KeyDetail>>;
  /** The progress a sync reports, one message per page, before it ends. */
  syncProgress: Omit<SyncProgress, 'source'>[];
  /** Syncs keep running until `finishSync` or `cancel_sync` ends them. */
  holdSyncs: boolean;
  finishSync(name: string): void;
  last(cmd: string): Record<string, unknown> | undefined;
  /** The last listing asked for (not the expiring-keys count the window also asks for). */
  lastListing(): Record<string, unknown> | undefined;
  /** Generated keys: `count` of them, made on demand by index. */
  generated?: number;
  /** Tells the window, as Rust's watcher does, that something else changed the vault. */
  changedElsewhere(): void;
  /** The keys copied, in order (recent_keys answers the last five, newest first). */
  copied: { source: string; id: string }[];
}

function matches(key: KeyRecord, q: ListQuery): boolean {
  const search = q.search?.toLowerCase();
  return (
    (q.source == null || key.source === q.source) &&
    (!search ||
      [key.name, key.id, key.owner ?? '', key.env ?? '', ...key.scopes, ...key.tags].some((v) => v.toLowerCase().includes(search))) &&
    (q.status == null || key.status === q.status) &&
    (q.scope == null || key.scopes.includes(q.scope)) &&
    (!q.hide_inactive || (key.status !== 'revoked' && key.status !== 'expired'))
  );
}

export function fakeBackend(init: Partial<Backend> = {}): Backend {
  const backend: Backend = {
    calls: [],
    keys: [...sampleKeys],
    sources: [],
    settings: { ...DEFAULT_SETTINGS },
    secrets: { 'id-stripe-live': 'sk_live_51HqLyjWDarjtT1zdp7dc9f3a' },
    failing: {},
    holding: {},
    details: {},
    syncProgress: [],
    holdSyncs: false,
    copied: [],
    finishSync(name) {
      running.get(name)?.finish();
    },
    last(cmd) {
      return [...this.calls].reverse().find((c) => c.cmd === cmd)?.args;
    },
    lastListing() {
      return [...this.calls].reverse().find((c) => c.cmd === 'list_keys' && c.args.limit !== 0)?.args;
    },
    changedElsewhere() {
      if (!watcher) throw new Error('the window never called watch_vault');
      watcher.send(null);
    },
    ...init,
  };
  /** The channel of the window's `watch_vault`. */
  let watcher: ReturnType<typeof channel> | null = null;
  const generatedKey = (i: number) =>
    record({ id: `gen-${i}`, name: `service-${String(i).padStart(6, '0')}`, mask: `kd_…${String(i).padStart(4, '0').slice(-4)}` });
  /** The syncs held running, by source. */
  const running = new Map<string, { finish: () => void; cancel: () => void }>();
  // Answers cross IPC as JSON: never hand the window the backend's own objects.
  mockIPC(async (cmd, payload) => {
    await backend.holding[cmd];
    const answer = await respond(cmd, (payload ?? {}) as Record<string, unknown>);
    return answer === undefined ? undefined : JSON.parse(JSON.stringify(answer));
  });
  /** Sends to a channel the way Rust does: by the callback id the argument serialized to
   *  (`__CHANNEL__:<id>`), each message with its index, then an end marker. */
  function channel(serialized: unknown) {
    const id = Number(String(serialized).replace('__CHANNEL__:', ''));
    const internals = (window as unknown as { __TAURI_INTERNALS__: { runCallback(id: number, data: unknown): void } })
      .__TAURI_INTERNALS__;
    let index = 0;
    return {
      send: (message: unknown) => internals.runCallback(id, { index: index++, message: JSON.parse(JSON.stringify(message)) }),
      end: () => internals.runCallback(id, { index, end: true }),
    };
  }
  async function sync(args: Record<string, unknown>): Promise<SourceInfo | undefined> {
    const name = args.name as string;
    const progress = channel(JSON.parse(JSON.stringify(args.onProgress)));
    for (const page of backend.syncProgress) progress.send({ source: name, ...page } satisfies SyncProgress);
    try {
      if (backend.holdSyncs) {
        await new Promise<void>((resolve, reject) =>
          running.set(name, {
            finish: resolve,
            cancel: () => reject({ code: 'cancelled', message: `the sync of ${name} was cancelled`, action: null } satisfies ErrorBody),
          }),
        );
      }
    } finally {
      running.delete(name);
      progress.end();
    }
    return backend.sources.find((s) => s.name === name);
  }
  function respond(cmd: string, args: Record<string, unknown>): unknown {
    backend.calls.push({ cmd, args: JSON.parse(JSON.stringify(args)) });
    if (backend.failing[cmd]) throw backend.failing[cmd];
    switch (cmd) {
      case 'get_settings':
        return backend.settings;
      case 'save_settings':
        backend.settings = args.settings as Settings;
        return backend.settings;
      case 'list_sources':
        return backend.sources;
      case 'list_keys': {
        const query = args.query as ListQuery;
        const offset = args.offset as number;
        const limit = args.limit as number;
        if (backend.generated) {
          const total = backend.generated;
          const keys = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => generatedKey(offset + i));
          return { keys, offset, matching: total, total } satisfies KeyPage;
        }
        const inSource = backend.keys.filter((k) => query.source == null || k.source === query.source);
        const found = inSource.filter((k) => matches(k, query));
        found.sort((a, b) => {
          const field = query.sort as keyof KeyRecord;
          const order = String(a[field] ?? '').localeCompare(String(b[field] ?? ''));
          return query.descending ? -order : order;
        });
        return { keys: found.slice(offset, offset + limit), offset, matching: found.length, total: inSource.length } satisfies KeyPage;
      }
      case 'key_detail': {
        const ref = args.key as { source: string; id: string };
        const key = backend.keys.find((k) => k.id === ref.id && k.source === ref.source);
        if (!key) throw { code: 'not_found', message: `no key matches \`${ref.id}\``, action: { kind: 'list_keys' } } satisfies ErrorBody;
        return {
          ...key,
          notes: null,
          history: [{ at: key.created_at ?? '2026-11-01T10:00:00Z', kind: 'created', detail: null }],
          previous_until: null,
          ...backend.details[key.id],
        } satisfies KeyDetail;
      }
      case 'reveal_secret':
        return backend.secrets[(args.key as { id: string }).id];
      case 'copy_secret':
        backend.copied.push(args.key as { source: string; id: string });
        return { clear_after_secs: backend.settings.clipboard_clear_secs };
      case 'recent_keys': {
        const recent: KeyRecord[] = [];
        for (const ref of [...backend.copied].reverse()) {
          const key = backend.keys.find((k) => k.id === ref.id && k.source === ref.source);
          if (key && key.status !== 'revoked' && !recent.includes(key) && recent.length < 5) recent.push(key);
        }
        return recent;
      }
      case 'hide_quick_access':
        return null;
      case 'rotate_key': {
        const key = backend.keys.find((k) => k.id === args.id)!;
        return key;
      }
      case 'reveal_previous':
        return backend.secrets[`${args.id as string}@previous`];
      case 'add_key': {
        const key = record({ ...(args.key as object), mask: 'new_…1234' });
        backend.keys.push(key);
        return key;
      }
      case 'revoke_key': {
        const ref = args.key as { id: string };
        const key = backend.keys.find((k) => k.id === ref.id)!;
        key.status = 'revoked';
        key.revoke_reason = (args.reason as string) ?? null;
        key.cannot_reveal = { reason: 'revoked' };
        key.cannot_revoke = { reason: 'revoked' };
        return key;
      }
      case 'apply_to_keys': {
        // As Rust does: each key on its own, progress after each; a key of a source without
        // a revoke request (`cannot_revoke`) fails with Rust's words, the others go on.
        const refs = args.keys as { source: string; id: string }[];
        const action = args.action as BulkAction;
        const progress = channel(JSON.parse(JSON.stringify(args.onProgress)));
        const outcomes = refs.map((ref, n) => {
          const key = backend.keys.find((k) => k.source === ref.source && k.id === ref.id)!;
          progress.send({ done: n + 1, total: refs.length });
          const done = { source: key.source, id: key.id, name: key.name, error: null };
          if (action.kind === 'delete') {
            backend.keys = backend.keys.filter((k) => k !== key);
            return done;
          }
          if (action.kind === 'add_tag' || action.kind === 'remove_tag') {
            const others = key.tags.filter((t) => t !== action.tag);
            key.tags = action.kind === 'add_tag' ? [...others, action.tag] : others;
            return done;
          }
          if (key.cannot_revoke) {
            const error = remoteError(key.source, 'no_revoke_template', 'has no revoke request');
            return { ...done, error };
          }
          key.status = 'revoked';
          key.revoke_reason = action.reason;
          key.cannot_reveal = { reason: 'revoked' };
          key.cannot_revoke = { reason: 'revoked' };
          return done;
        });
        progress.end();
        const failed = outcomes.filter((o) => o.error).length;
        return { done: outcomes.length - failed, failed, keys: outcomes };
      }
      case 'delete_key':
      case 'remove_source':
        return null;
      case 'add_source': {
        const spec = args.source as SourceSpec;
        const added = source({ name: spec.name, url: spec.url, dialect: spec.dialect ?? '002' });
        backend.sources.push(added);
        return added;
      }
      case 'edit_source': {
        // Rust lists the server with the new settings before saving them.
        const source = backend.sources.find((s) => s.name === args.name)!;
        const spec = args.settings as SourceSpec;
        Object.assign(source, { url: spec.url, dialect: spec.dialect ?? source.dialect, user_id: spec.user_id, revoke_template: spec.revoke_template });
        return source;
      }
      case 'sync_source':
        return sync(args);
      case 'cancel_sync':
        running.get(args.name as string)?.cancel();
        return null;
      case 'first_paint':
        return null;
      case 'about':
        return { version: '9.8.7', commit: 'abc123def456' };
      case 'watch_vault':
        watcher = channel(JSON.parse(JSON.stringify(args.onChange)));
        return null;
      default:
        throw { code: 'ipc', message: `unexpected command ${cmd}`, action: null };
    }
  }
  return backend;
}

export function source(overrides: Partial<SourceInfo>): SourceInfo {
  return {
    name: 'prod',
    url: 'https://keys.example.com/',
    dialect: '002',
    auth: { header: 'X-API-Key', scheme: null },
    auth_header: null,
    auth_scheme: null,
    user_id: null,
    revoke_template: null,
    allow_insecure: false,
    created_at: '2026-11-01T10:00:00Z',
    synced_at: new Date(Date.now() - 3 * 60_000).toISOString(),
    last_attempt_at: null,
    last_error: null,
    key_count: 2,
    stale: false,
    warning: null,
    ...overrides,
  };
}
