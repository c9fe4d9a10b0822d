// A secret shown for a while (the detail pane's Reveal, the previous secret's): masked again
// when its time is up, when another key is shown, or when the window loses the focus.

export class TimedReveal {
  /** The secret while it shows. */
  value: string | null = $state(null);
  /** Seconds until it is masked again. */
  left = $state(0);
  #timer: ReturnType<typeof setInterval> | undefined;

  /** `onhide` runs when a shown secret is masked (to say so to a screen reader). */
  constructor(private readonly onhide: () => void = () => {}) {}

  get shown(): boolean {
    return this.value !== null;
  }

  show(value: string, secs: number) {
    clearInterval(this.#timer);
    this.value = value;
    this.left = secs;
    this.#timer = setInterval(() => {
      this.left -= 1;
      if (this.left <= 0) this.hide();
    }, 1000);
  }

  hide = () => {
    if (this.value !== null) this.onhide();
    this.value = null;
    this.left = 0;
    clearInterval(this.#timer);
  };

  /** Masks it when the window loses the focus; the answer stops that (an $effect's cleanup). */
  hideOnBlur(): () => void {
    window.addEventListener('blur', this.hide);
    return () => {
      window.removeEventListener('blur', this.hide);
      this.hide();
    };
  }
}
