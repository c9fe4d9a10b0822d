// Which of the table's optional columns show, chosen in the toolbar, and the widths the user
// dragged them to, remembered in the webview's storage (the layout only: nothing from a key
// is ever stored there).
const STORE = 'keydeck.hiddenColumns';
const WIDTHS = 'keydeck.columnWidths';

/** The columns a user may hide, with their labels; the rest always show. */
export const OPTIONAL: { id: string; label: string }[] = [
  { id: 'scopes', label: 'Scopes' },
  { id: 'env', label: 'Env' },
  { id: 'tags', label: 'Tags' },
  { id: 'owner', label: 'Owner' },
  { id: 'last_used_at', label: 'Last used' },
];

// Owner is for remote keys that name one (dialect 004): hidden until asked for, so the
// rest fit a 1280 px window.
const DEFAULT_HIDDEN = ['owner'];

function load(): string[] {
  try {
    const saved = JSON.parse(localStorage.getItem(STORE) ?? 'null');
    if (Array.isArray(saved)) return saved.filter((id) => OPTIONAL.some((c) => c.id === id));
  } catch {
    // Unreadable storage: the defaults.
  }
  return DEFAULT_HIDDEN;
}

/** The widths saved, in px, by column id: only sane numbers are taken back. */
function loadWidths(): Record<string, number> {
  try {
    const saved: unknown = JSON.parse(localStorage.getItem(WIDTHS) ?? 'null');
    if (saved && typeof saved === 'object') {
      return Object.fromEntries(
        Object.entries(saved).filter(([, px]) => typeof px === 'number' && Number.isFinite(px) && px >= 60 && px <= 2000),
      );
    }
  } catch {
    // Unreadable storage: the default widths.
  }
  return {};
}

function save(key: string, value: unknown) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Not remembered; the choice still holds until the window closes.
  }
}

class ColumnChoice {
  hidden: string[] = $state(load());
  /** Widths the user dragged columns to (px); the others share the free space. */
  widths: Record<string, number> = $state(loadWidths());

  shows(id: string): boolean {
    return !this.hidden.includes(id);
  }

  toggle(id: string) {
    this.hidden = this.shows(id) ? [...this.hidden, id] : this.hidden.filter((h) => h !== id);
    save(STORE, this.hidden);
  }

  setWidth(id: string, px: number) {
    this.widths = { ...this.widths, [id]: Math.round(px) };
    save(WIDTHS, this.widths);
  }
}

export const columnChoice = new ColumnChoice();
