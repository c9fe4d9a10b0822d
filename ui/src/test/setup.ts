// jsdom has no layout: give the table's scroll area the size a window would, so the
// virtualizer renders rows the way it does in the app.
Object.defineProperty(HTMLElement.prototype, 'offsetHeight', {
  configurable: true,
  get(this: HTMLElement) {
    return this.classList?.contains('scroller') ? 600 : 0;
  },
});
Object.defineProperty(HTMLElement.prototype, 'offsetWidth', {
  configurable: true,
  get(this: HTMLElement) {
    return this.classList?.contains('scroller') ? 1000 : 0;
  },
});
