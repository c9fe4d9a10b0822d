// Quick access: the palette a global shortcut shows over any program. Type, ↑↓, Enter
// copies (Rust clears the clipboard later, as in the window), Shift+Enter reveals for a few
// seconds, Esc hides. The keys copied last come first.
import type { KeyRecord } from './bindings/KeyRecord';
import { whyNot } from './actions';
import * as ipc from './ipc';
import { asIpcError, type IpcError } from './ipc';

/** Rows the palette shows. */
export const SHOWN = 8;
/** Keys a search reads, so the recent ones it matches can be put first. */
const READ = 50;

const idOf = (key: KeyRecord) => `${key.source}\u0000${key.id}`;
const refOf = (key: KeyRecord) => ({ source: key.source, id: key.id });

/** The rows: the recent keys the search matched (all of them with no search), then the
 *  other matches in name order. Revoked keys are left out: they cannot be copied. */
export function order(recent: KeyRecord[], found: KeyRecord[], searching: boolean): KeyRecord[] {
  const matched = new Set(found.map(idOf));
  const first = searching ? recent.filter((key) => matched.has(idOf(key))) : recent;
  const firstIds = new Set(first.map(idOf));
  return [...first, ...found.filter((key) => !firstIds.has(idOf(key)))]
    .filter((key) => key.status !== 'revoked')
    .slice(0, SHOWN);
}

export class Palette {
  query = $state('');
  rows: KeyRecord[] = $state([]);
  /** Which rows (by source and id) were copied lately. */
  recent: Set<string> = $state(new Set());
  active = $state(0);
  /** The secret shown after Shift+Enter, and whose. */
  revealed: { id: string; secret: string } | null = $state(null);
  /** What just happened, for the status line. */
  said = $state('');
  error: IpcError | null = $state(null);
  /** Seconds a revealed secret stays (Settings). */
  revealSecs = 10;
  private asked = 0;
  /** The listing under way: Enter pressed before it arrives acts on what it brings. */
  private loading: Promise<void> = Promise.resolve();
  private revealTimer: ReturnType<typeof setTimeout> | undefined;

  /** Reads the rows for the query now in the box; an answer to an older query is dropped. */
  refresh(): Promise<void> {
    this.loading = this.load();
    return this.loading;
  }

  private async load(): Promise<void> {
    const asked = ++this.asked;
    const search = this.query.trim();
    try {
      const [recent, page] = await Promise.all([
        ipc.recentKeys(),
        ipc.listKeys({ ...ipc.defaultQuery, search: search || null }, 0, search ? READ : SHOWN + 5),
      ]);
      if (asked !== this.asked) return;
      this.rows = order(recent, page.keys, search !== '');
      this.recent = new Set(recent.map(idOf));
      this.active = 0;
      this.error = null;
    } catch (e) {
      if (asked === this.asked) this.error = asIpcError(e);
    }
  }

  isRecent(key: KeyRecord): boolean {
    return this.recent.has(idOf(key));
  }

  move(by: number): void {
    if (this.rows.length === 0) return;
    this.active = (this.active + by + this.rows.length) % this.rows.length;
  }

  get current(): KeyRecord | undefined {
    return this.rows[this.active];
  }

  /** Copies the chosen key's secret; `true` once it is on the clipboard. */
  async copy(): Promise<boolean> {
    await this.loading;
    const key = this.current;
    if (!key) return false;
    const why = whyNot(key, 'copy');
    if (why) {
      this.said = why;
      return false;
    }
    try {
      const receipt = await ipc.copySecret(refOf(key));
      const clears = receipt.clear_after_secs ? `; cleared in ${receipt.clear_after_secs} s` : '';
      this.said = `Copied ${key.name}${clears}`;
      return true;
    } catch (e) {
      this.error = asIpcError(e);
      return false;
    }
  }

  async reveal(): Promise<void> {
    await this.loading;
    const key = this.current;
    if (!key) return;
    const why = whyNot(key, 'reveal');
    if (why) {
      this.said = why;
      return;
    }
    try {
      const secret = await ipc.revealSecret(refOf(key));
      this.revealed = { id: idOf(key), secret };
      this.said = `Showing ${key.name} for ${this.revealSecs} s`;
      clearTimeout(this.revealTimer);
      this.revealTimer = setTimeout(() => {
        this.revealed = null;
        this.said = '';
      }, this.revealSecs * 1000);
    } catch (e) {
      this.error = asIpcError(e);
    }
  }

  shownSecret(key: KeyRecord): string | null {
    return this.revealed?.id === idOf(key) ? this.revealed.secret : null;
  }

  /** Back to an empty search, nothing revealed: each time the palette shows. */
  reset(): Promise<void> {
    clearTimeout(this.revealTimer);
    this.revealed = null;
    this.query = '';
    this.said = '';
    this.error = null;
    return this.refresh();
  }

  hide(): void {
    clearTimeout(this.revealTimer);
    this.revealed = null;
    void ipc.hideQuickAccess().catch(() => {});
  }
}
