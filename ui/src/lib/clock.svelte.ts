// One clock for every relative time on screen ("34 seconds ago"): App ticks it, and each
// time read through format.ts's relative() renders again at the tick. One timer, not one a row.
export const clock = $state({ now: Date.now() });

/** Ticks the clock every `every` ms; returns what stops it. */
export function startClock(every = 20_000): () => void {
  clock.now = Date.now();
  const timer = setInterval(() => (clock.now = Date.now()), every);
  return () => clearInterval(timer);
}
