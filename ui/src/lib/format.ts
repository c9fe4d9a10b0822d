// How dates read in the table: relative ("in 3 days", "5 min ago"), exact on hover; and sizes.
import { clock } from './clock.svelte';

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** Relative to the shared clock by default: markup that shows it follows the clock's ticks. */
// Reading clock.now renders the text again at each tick; Date.now() is the time of this
// render (the tick may be 20 s old, which made a sync just done read "in 6 seconds").
export function relative(iso: string | null, now: number = Math.max(clock.now, Date.now())): string {
  if (!iso) return '—';
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size || unit === 'second') {
      return relativeFormat.format(Math.round(seconds / size), unit);
    }
  }
  return '—';
}

/** The time left until `iso`, rounded down, in its two largest units ("23 h 59 min",
 *  "6 days 23 h", "45 s"): a deadline never reads later than it is. */
export function timeLeft(iso: string, now: number = Math.max(clock.now, Date.now())): string {
  const left = Math.max(0, Math.floor((Date.parse(iso) - now) / 1000));
  const [days, hours, minutes] = [Math.floor(left / 86_400), Math.floor((left % 86_400) / 3600), Math.floor((left % 3600) / 60)];
  if (days) return `${days} day${days === 1 ? '' : 's'} ${hours} h`;
  if (hours) return `${hours} h ${minutes} min`;
  if (minutes) return `${minutes} min`;
  return `${left} s`;
}

export function exact(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  return `${date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace('Z', ' UTC')}`;
}

/** A byte count the way a progress line shows it: 512 B, 1.2 kB, 3.4 MB. */
export function byteSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
