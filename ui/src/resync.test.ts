import { describe, expect, it } from 'vitest';
import { dueSources } from './lib/resync';
import { source } from './test/backend';

const at = (iso: string) => Date.parse(iso);

describe('which sources are listed again', () => {
  const fresh = source({ name: 'fresh', last_attempt_at: '2026-11-29T10:00:00Z' });
  const old = source({ name: 'old', last_attempt_at: '2026-11-29T09:40:00Z' });
  const never = source({ name: 'never', last_attempt_at: null, synced_at: null });
  const failing = source({ name: 'failing', synced_at: '2026-11-01T00:00:00Z', last_attempt_at: '2026-11-29T10:05:00Z' });

  it('those last tried longer ago than the interval, or never', () => {
    expect(dueSources([fresh, old, never, failing], 15, at('2026-11-29T10:10:00Z'))).toEqual(['old', 'never']);
    expect(dueSources([fresh, old], 15, at('2026-11-29T10:15:00Z'))).toEqual(['fresh', 'old']);
  });

  it('none when the interval is 0 (off)', () => {
    expect(dueSources([fresh, old, never], 0, at('2026-11-29T12:00:00Z'))).toEqual([]);
  });
});
