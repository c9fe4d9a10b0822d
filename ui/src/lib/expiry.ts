// Expiry as the dialogs edit it: a `datetime-local` value, and the presets people pick.

/** An RFC 3339 time as a `datetime-local` input's value (local time), '' for none. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value back as an RFC 3339 time, null for none. */
export const fromLocalInput = (value: string): string | null => (value ? new Date(value).toISOString() : null);

/** Expiry presets: the lifetimes people pick most, from now. */
export const EXPIRY_PRESETS: { label: string; days: number | null }[] = [
  { label: '30 days', days: 30 },
  { label: '90 days', days: 90 },
  { label: '1 year', days: 365 },
  { label: 'Never', days: null },
];

/** The input's value for a preset. */
export const presetValue = (days: number | null): string =>
  days === null ? '' : toLocalInput(new Date(Date.now() + days * 86_400_000).toISOString());
