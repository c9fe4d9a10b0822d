// The mark keydeck's App.svelte gives after its first screen: two frames after the page has
// painted, the `first_paint` command (the app prints READY when KEYDECK_BENCH_READY=1).
requestAnimationFrame(() =>
  requestAnimationFrame(() => {
    window.__TAURI_INTERNALS__.invoke('first_paint').catch(() => {});
  }),
);
