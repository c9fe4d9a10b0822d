// Which of the table's optional columns show, chosen in the toolbar and remembered in the
// webview's storage (a choice of columns only: nothing from a key is ever stored there).
const STORE = 'keydeck.hiddenColumns';

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

class ColumnChoice {
  hidden: string[] = $state(load());

  shows(id: string): boolean {
    return !this.hidden.includes(id);
  }

  toggle(id: string) {
    this.hidden = this.shows(id) ? [...this.hidden, id] : this.hidden.filter((h) => h !== id);
    try {
      localStorage.setItem(STORE, JSON.stringify(this.hidden));
    } catch {
      // Not remembered; the choice still holds until the window closes.
    }
  }
}

export const columnChoice = new ColumnChoice();
