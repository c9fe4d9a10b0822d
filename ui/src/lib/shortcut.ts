// The quick access shortcut as Settings records it: press the keys, get `Ctrl+Shift+K`.

const MODIFIER_KEYS = new Set(['Control', 'Shift', 'Alt', 'Meta', 'Super', 'Hyper', 'OS', 'AltGraph']);

/** The shortcut a key press makes, in the words Rust reads (`Ctrl+Shift+K`, `Alt+F8`);
 *  `null` for a modifier alone, and for a key without a modifier (it would be taken from
 *  every program: only the F keys may stand alone). */
export function shortcutOf(event: Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey'>): string | null {
  if (MODIFIER_KEYS.has(event.key) || !event.code) return null;
  const key = event.code.replace(/^Key(?=[A-Z]$)/, '').replace(/^Digit(?=\d$)/, '');
  const mods = [
    event.ctrlKey && 'Ctrl',
    event.altKey && 'Alt',
    event.shiftKey && 'Shift',
    event.metaKey && 'Super',
  ].filter(Boolean);
  if (mods.length === 0 && !/^F\d{1,2}$/.test(key)) return null;
  return [...mods, key].join('+');
}
