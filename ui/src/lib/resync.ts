import type { SourceInfo } from './bindings/SourceInfo';

/** The remote sources to list again: tried last more than `minutes` ago (never, when 0).
 *  The last attempt counts, not the last success, so a server that is down is asked again
 *  once an interval, not on every tick. */
export function dueSources(sources: SourceInfo[], minutes: number, now: number): string[] {
  if (minutes <= 0) return [];
  const interval = minutes * 60_000;
  return sources
    .filter((s) => {
      const last = Date.parse(s.last_attempt_at ?? s.synced_at ?? '');
      return Number.isNaN(last) || now - last >= interval;
    })
    .map((s) => s.name);
}
