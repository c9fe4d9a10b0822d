// The window's state: the sources, the current listing (loaded a page at a time as the
// table scrolls), the selection, the settings, and the last error. Components read it;
// only the actions here call ipc.ts.
import type { ErrorBody } from './bindings/ErrorBody';
import type { KeyDetail } from './bindings/KeyDetail';
import type { KeyRecord } from './bindings/KeyRecord';
import type { KeyRef } from './bindings/KeyRef';
import type { ListQuery } from './bindings/ListQuery';
import type { Settings } from './bindings/Settings';
import type { SourceInfo } from './bindings/SourceInfo';
import type { SyncProgress } from './bindings/SyncProgress';
import type { Unable } from './bindings/Unable';
import { DEFAULT_SETTINGS } from './bindings/defaults';
import * as ipc from './ipc';
import { asIpcError, type IpcError } from './ipc';
import { unable } from './next';
import { dueSources } from './resync';

export const PAGE_SIZE = 200;
export const LOCAL = 'local';
/** The All keys view (`query.source` null); no source may have this name (Rust refuses it). */
export const ALL = 'all';

export const defaultSettings: Settings = DEFAULT_SETTINGS;

/** A key's place in the bulk selection: ids are unique within a source only. */
const checkKey = (key: KeyRecord) => `${key.source}\u0000${key.id}`;

export function refOf(key: KeyRecord): KeyRef {
  return { source: key.source, id: key.id };
}

/** Why a source's last sync failed. A sync the user cancelled did not fail. */
export function syncError(source: SourceInfo | undefined): ErrorBody | null {
  const error = source?.last_error;
  return error && error.code !== 'cancelled' ? error : null;
}

/** Why Rust had no secret to give, when a failure is only that. */
function refusal(failure: IpcError, sources: SourceInfo[]): Unable | null {
  if (failure.code === 'key_revoked') return { reason: 'revoked' };
  if (failure.remote?.kind !== 'no_full_keys') return null;
  const dialect = sources.find((s) => s.name === failure.remote?.source)?.dialect;
  return dialect ? { reason: 'no_full_keys', dialect } : null;
}

/** A sync under way: the progress reported so far, and whether a cancel was asked for. */
export type SyncRun = { progress: SyncProgress | null; cancelling: boolean };

export class AppModel {
  sources: SourceInfo[] = $state.raw([]);
  /** The sources syncing now. */
  syncing: Record<string, SyncRun> = $state.raw({});
  settings: Settings = $state.raw({ ...defaultSettings });
  query: ListQuery = $state.raw({ ...ipc.defaultQuery });
  /** Loaded pages of the current listing, by page number. */
  pages: Record<number, KeyRecord[]> = $state.raw({});
  matching = $state(0);
  total = $state(0);
  /** Keys in the local vault, for the sidebar. */
  localCount = $state(0);
  loaded = $state(false);
  /** Keys expiring within the warning window, in the current source. */
  expiring = $state(0);
  selectedIndex = $state(-1);
  detail: KeyDetail | null = $state.raw(null);
  /** The last failure, shown with what to do next until dismissed. */
  error: IpcError | null = $state.raw(null);
  /** Why something asked for cannot be done (Rust said so beforehand): not an error. */
  note: string | null = $state(null);
  /** The vault itself could not be opened: nothing else works. */
  fatal: IpcError | null = $state.raw(null);

  /** Keys checked for a bulk action (Ctrl/Shift+click, Space, Ctrl+A), with their records. */
  checked: Map<string, KeyRecord> = $state.raw(new Map());
  /** The checked keys are every key the filter matches (Ctrl+A): revoking them asks for
   *  their number typed. */
  checkedAll = $state(false);
  /** Where a Shift+click or Shift+arrow range starts. */
  #anchor = -1;

  #generation = 0;
  #inflight = new Set<number>();

  /** Back to a fresh window's state (tests render the window many times). */
  reset() {
    this.sources = [];
    this.syncing = {};
    this.settings = { ...defaultSettings };
    this.query = { ...ipc.defaultQuery };
    this.pages = {};
    this.matching = 0;
    this.total = 0;
    this.localCount = 0;
    this.loaded = false;
    this.expiring = 0;
    this.selectedIndex = -1;
    this.detail = null;
    this.error = null;
    this.note = null;
    this.fatal = null;
    this.clearChecks();
    this.#generation++;
    this.#inflight.clear();
  }

  /** The view: a source's name, or ALL (every source, once any remote source exists; with
   *  none, every key is the vault's and the view is the vault). */
  get source(): string {
    return this.query.source ?? (this.sources.length > 0 ? ALL : LOCAL);
  }

  /** Keys in every source, for the sidebar. */
  get allCount(): number {
    return this.sources.reduce((sum, s) => sum + Number(s.key_count), this.localCount);
  }

  /** Shows one source (`null`: every source) with its filters reset, so a filter set on
   *  one source never silently empties another. */
  showSource(source: string | null) {
    this.setQuery({ source, search: null, status: null, scope: null, tag: null });
  }

  get sourceInfo(): SourceInfo | undefined {
    return this.sources.find((s) => s.name === this.source);
  }

  rowAt(index: number): KeyRecord | undefined {
    return this.pages[Math.floor(index / PAGE_SIZE)]?.[index % PAGE_SIZE];
  }

  get selected(): KeyRecord | undefined {
    return this.selectedIndex >= 0 ? this.rowAt(this.selectedIndex) : undefined;
  }

  fail(error: unknown) {
    const failure = asIpcError(error);
    // The user cancelled (a sync, a native confirmation): nothing went wrong.
    if (failure.code === 'cancelled') return;
    // Rust refused a reveal or copy for a reason the listing had not caught up with (revoked
    // from a terminal, a sync that changed the source): the words of a disabled button, and
    // the listing and details brought up to date so the buttons disable.
    const why = refusal(failure, this.sources);
    if (why) {
      this.note = unable(why);
      void this.changed(this.detail && refOf(this.detail));
      return;
    }
    this.error = failure;
  }

  /** Says gently why something cannot be done; `null` puts the note away. */
  explain(note: string | null) {
    this.note = note;
  }

  async start() {
    // The CLI or a sync in a terminal may change the vault while the window is open: follow
    // it from before the first listing, so no change falls in between.
    ipc.watchVault(() => void this.changed(this.detail && refOf(this.detail))).catch(() => {
      // Without a vault there is nothing to follow (the window shows why).
    });
    // All at once: each waits on the vault, and the first screen waits on the slowest.
    const settings = ipc.getSettings().then(
      (answer) => void (this.settings = answer),
      (error) => this.fail(error),
    );
    // The first listing is the vault's: its page says how many keys the vault holds.
    await Promise.all([settings, this.refreshSources(this.query.source !== LOCAL), this.reload()]);
  }

  /** The sources and their counts; `countLocal: false` when a listing of the vault is on its
   *  way and brings the vault's count along. */
  async refreshSources(countLocal = true) {
    try {
      const [sources, local] = await Promise.all([
        ipc.listSources(),
        countLocal ? ipc.listKeys({ ...ipc.defaultQuery, source: LOCAL }, 0, 0) : null,
      ]);
      this.sources = sources;
      if (local) this.localCount = local.total;
    } catch (error) {
      this.fail(error);
    }
  }

  /** Changes the query and reloads from the first page. */
  setQuery(change: Partial<ListQuery>) {
    this.query = { ...this.query, ...change };
    // Checks belong to the listing they were made in.
    this.clearChecks();
    this.selectedIndex = -1;
    this.note = null;
    this.detail = null;
    void this.reload();
  }

  async reload() {
    const generation = ++this.#generation;
    this.#inflight.clear();
    try {
      const [page, expiring] = await Promise.all([
        ipc.listKeys(this.query, 0, PAGE_SIZE),
        ipc.listKeys({ ...ipc.defaultQuery, source: this.query.source, status: 'expiring' }, 0, 0),
      ]);
      if (generation !== this.#generation) return;
      this.pages = { 0: page.keys };
      this.matching = page.matching;
      this.total = page.total;
      if (this.query.source === LOCAL) this.localCount = page.total;
      this.expiring = expiring.matching;
      this.fatal = null;
    } catch (error) {
      if (generation !== this.#generation) return;
      const failure = asIpcError(error);
      if (['vault_too_new', 'not_a_vault', 'database', 'io'].includes(failure.code)) {
        this.fatal = failure;
      } else {
        this.fail(failure);
      }
      this.pages = {};
      this.matching = 0;
    } finally {
      if (generation === this.#generation) this.loaded = true;
    }
  }

  /** Loads the pages that rows `start` to `end` fall in, if not loaded yet. */
  async ensureRows(start: number, end: number) {
    const generation = this.#generation;
    const first = Math.floor(Math.max(0, start) / PAGE_SIZE);
    const last = Math.floor(Math.max(0, Math.min(end, this.matching - 1)) / PAGE_SIZE);
    for (let n = first; n <= last; n++) {
      if (this.pages[n] || this.#inflight.has(n)) continue;
      this.#inflight.add(n);
      try {
        const page = await ipc.listKeys(this.query, n * PAGE_SIZE, PAGE_SIZE);
        if (generation !== this.#generation) return;
        this.pages = { ...this.pages, [n]: page.keys };
      } catch (error) {
        this.fail(error);
      } finally {
        this.#inflight.delete(n);
      }
    }
  }

  select(index: number) {
    if (this.matching === 0) return;
    const next = Math.max(0, Math.min(index, this.matching - 1));
    // A note was about the key selected when it was given.
    if (next !== this.selectedIndex) this.note = null;
    this.selectedIndex = next;
  }

  isChecked(key: KeyRecord | undefined): boolean {
    return !!key && this.checked.has(checkKey(key));
  }

  /** Ctrl+click, Space: checks or unchecks row `index`; a first check takes the current row
   *  along, as a file manager does. */
  toggle(index: number) {
    const key = this.rowAt(index);
    if (!key) return;
    const next = new Map(this.checked);
    const current = this.selected;
    if (next.size === 0 && current && this.selectedIndex !== index) next.set(checkKey(current), current);
    if (next.has(checkKey(key))) next.delete(checkKey(key));
    else next.set(checkKey(key), key);
    this.#setChecks(next, false);
    this.select(index);
    this.#anchor = index;
  }

  /** Plain click: this row only, and the start of any range. */
  pick(index: number) {
    this.clearChecks();
    this.select(index);
    this.#anchor = this.selectedIndex;
  }

  /** Shift+click, Shift+↑↓: checks the rows from the anchor to `index` (loaded first). */
  async extend(index: number) {
    const anchor = this.#anchor >= 0 ? this.#anchor : Math.max(this.selectedIndex, 0);
    this.select(index);
    const [from, to] = anchor <= this.selectedIndex ? [anchor, this.selectedIndex] : [this.selectedIndex, anchor];
    await this.ensureRows(from, to);
    const next = new Map<string, KeyRecord>();
    for (let i = from; i <= to; i++) {
      const key = this.rowAt(i);
      if (key) next.set(checkKey(key), key);
    }
    this.#setChecks(next, false);
    this.#anchor = anchor;
  }

  /** Ctrl+A: every key the search and filters match, read a thousand at a time. */
  async checkAll() {
    const generation = this.#generation;
    const next = new Map<string, KeyRecord>();
    try {
      for (let offset = 0; offset < this.matching; offset += 1000) {
        const page = await ipc.listKeys(this.query, offset, 1000);
        if (generation !== this.#generation) return;
        for (const key of page.keys) next.set(checkKey(key), key);
      }
      this.#setChecks(next, next.size > 1);
    } catch (error) {
      this.fail(error);
    }
  }

  /** Lets go of every check; a range starts from the current row again. */
  clearChecks() {
    this.#setChecks(new Map(), false);
    this.#anchor = -1;
  }

  #setChecks(keys: Map<string, KeyRecord>, all: boolean) {
    this.checked = keys;
    this.checkedAll = all;
  }

  async openDetail(index = this.selectedIndex) {
    const key = this.rowAt(index);
    if (!key) return;
    this.selectedIndex = index;
    try {
      this.detail = await ipc.keyDetail(refOf(key));
    } catch (error) {
      this.fail(error);
    }
  }

  /** Selects a key and opens its details (a key just added): its row when a loaded page
   *  holds it, else the details alone. */
  async showKey(ref: KeyRef) {
    for (const [n, keys] of Object.entries(this.pages)) {
      const at = keys.findIndex((k) => k.id === ref.id && k.source === ref.source);
      if (at >= 0) return this.openDetail(Number(n) * PAGE_SIZE + at);
    }
    this.selectedIndex = -1;
    try {
      this.detail = await ipc.keyDetail(ref);
    } catch (error) {
      this.fail(error);
    }
  }

  closeDetail() {
    this.detail = null;
  }

  /** Lists again each remote source last tried longer ago than the setting (a timer and
   *  the window regaining focus call this). */
  resyncDue(now = Date.now()) {
    for (const name of dueSources(this.sources, this.settings.resync_minutes, now)) void this.sync(name);
  }

  /** After a change to one key: reload the listing, the sources' counts and the detail. */
  async changed(key?: KeyRef | null) {
    await Promise.all([this.reload(), this.refreshSources()]);
    if (key && this.detail && this.detail.id === key.id) {
      try {
        this.detail = await ipc.keyDetail(key);
      } catch {
        this.detail = null;
      }
    }
  }

  /** Syncs a source, with its progress in `syncing`. A remote failure is kept on the source
   *  (the sidebar and the banner show it with what to do next); anything else is reported as
   *  an error here, and a cancelled sync not at all. */
  async sync(name: string) {
    if (this.syncing[name]) return;
    this.#setRun(name, { progress: null, cancelling: false });
    try {
      await ipc.syncSource(name, (progress) => {
        // A message that arrives after the sync ended is dropped.
        const run = this.syncing[name];
        if (run) this.#setRun(name, { ...run, progress });
      });
    } catch (error) {
      const failure = asIpcError(error);
      if (failure.code !== 'remote') this.fail(failure);
    } finally {
      this.#setRun(name, null);
      await this.refreshSources();
      if (this.source === name) await this.reload();
    }
  }

  /** Asks a running sync to stop; it then ends as `cancelled`. */
  async cancelSync(name: string) {
    const run = this.syncing[name];
    if (!run || run.cancelling) return;
    this.#setRun(name, { ...run, cancelling: true });
    try {
      await ipc.cancelSync(name);
    } catch (error) {
      this.fail(error);
      const current = this.syncing[name];
      if (current) this.#setRun(name, { ...current, cancelling: false });
    }
  }

  #setRun(name: string, run: SyncRun | null) {
    const next = { ...this.syncing };
    if (run) next[name] = run;
    else delete next[name];
    this.syncing = next;
  }

  async saveSettings(settings: Settings) {
    this.settings = await ipc.saveSettings(settings);
    await this.reload();
  }
}

export const app = new AppModel();
