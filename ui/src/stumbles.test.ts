// What a new user stumbled on in the window, one describe each.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { clearMocks } from '@tauri-apps/api/mocks';
import { startClock } from './lib/clock.svelte';
import { relative } from './lib/format';
import { app } from './lib/state.svelte';
import { fakeBackend, record, remoteError, source, type Backend } from './test/backend';
import { expectAccessible, grid, renderApp, row, rows } from './test/window';

let backend: Backend;

beforeEach(() => {
  backend = fakeBackend();
});

afterEach(() => {
  cleanup();
  clearMocks();
  vi.useRealTimers();
});

describe('the first screen', () => {
  it('says it is loading, never "0 keys" or the empty vault, until the first listing arrives', async () => {
    let answer!: () => void;
    backend.holding.list_keys = new Promise<void>((resolve) => (answer = resolve));
    await renderApp();
    await waitFor(() => expect(backend.calls.some((c) => c.cmd === 'list_sources')).toBe(true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const nav = screen.getByRole('navigation', { name: 'Sources' });
    expect(screen.getByRole('search').textContent).toContain('Loading keys…');
    expect(document.body.textContent).not.toMatch(/\b0 keys\b|No keys yet|No key matches/);
    expect(within(nav).queryByLabelText('0 keys')).toBeNull();
    expect(within(nav).getByLabelText('counting keys')).toBeTruthy();
    await expectAccessible('the loading window');
    answer();
    await waitFor(() => expect(rows()).toHaveLength(4));
    expect(screen.getByText('4 keys')).toBeTruthy();
    expect(within(nav).getByLabelText('4 keys')).toBeTruthy();
  });
});

describe('relative times', () => {
  it('never put a moment just past in the future between two ticks', () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    vi.setSystemTime(new Date('2026-11-29T12:00:00Z'));
    const stop = startClock();
    // 6 s later, before the next tick, a sync finishes and says when.
    vi.setSystemTime(new Date('2026-11-29T12:00:06Z'));
    expect(relative('2026-11-29T12:00:06Z')).toBe('now');
    stop();
  });

  it('keep ticking without a reload: "34 seconds ago" becomes "2 minutes ago" a minute later', async () => {
    // Date and the intervals are the test's; timeouts stay real for the IPC mock and waitFor.
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    vi.setSystemTime(new Date('2026-11-29T12:00:00Z'));
    backend.keys[0].last_used_at = '2026-11-29T11:59:26Z';
    backend.sources = [source({ name: 'prod', synced_at: '2026-11-29T11:57:00Z', last_attempt_at: '2026-11-29T11:57:00Z' })];
    await renderApp();
    const nav = screen.getByRole('navigation', { name: 'Sources' });
    await within(nav).findByText('synced 3 minutes ago');
    const lastUsed = () => [...document.querySelectorAll('[role="columnheader"]')].findIndex((h) => h.textContent?.includes('Last used'));
    const used = () => row('stripe-live').querySelectorAll('[role="gridcell"]')[lastUsed()].textContent;
    await waitFor(() => expect(used()).toBe('34 seconds ago'));
    await vi.advanceTimersByTimeAsync(60_000);
    await waitFor(() => expect(used()).toBe('2 minutes ago'));
    expect(within(nav).getByText('synced 4 minutes ago')).toBeTruthy();
    expect(backend.calls.filter((c) => c.cmd === 'list_keys' && c.args.limit !== 0)).toHaveLength(1);
  });
});

describe('statuses and themes', () => {
  // vitest runs in ui/.
  const readme = readFileSync('../README.md', 'utf8');
  const css = readFileSync('src/app.css', 'utf8');

  it('offers in the status filter only statuses the README explains, and each filters', async () => {
    // The README's word on statuses: its "Honest state" point.
    const said = readme.slice(readme.indexOf('**Honest state.**'), readme.indexOf('- **Nothing half written.**'));
    backend.sources = [source({ name: 'prod', dialect: '003' })];
    backend.keys.push(record({ name: 'remote-one', source: 'prod', status: 'unknown' }));
    await renderApp();
    const select = screen.getByRole('combobox', { name: 'Filter by status' }) as HTMLSelectElement;
    const offered = [...select.options].map((o) => o.value).filter(Boolean);
    expect(offered).toEqual(expect.arrayContaining(['active', 'expiring', 'expired', 'revoked']));
    for (const status of offered) expect(said, status).toContain(`\`${status}\``);
    await fireEvent.click(await screen.findByRole('button', { name: /^prod/ }));
    await waitFor(() => expect(rows()).toHaveLength(1));
    await fireEvent.change(select, { target: { value: 'unknown' } });
    await waitFor(() => expect(backend.lastListing()).toMatchObject({ query: { source: 'prod', status: 'unknown' } }));
    expect(rows().map((r) => r.dataset.keyName)).toEqual(['remote-one']);
  });

  it('gives native controls the theme: color-scheme light, and dark with the dark theme or a dark system', async () => {
    const block = (selector: string) => css.slice(css.indexOf(`${selector} {`), css.indexOf('}', css.indexOf(`${selector} {`)));
    expect(block(':root')).toMatch(/color-scheme: light;/);
    expect(block(":root[data-theme='dark']")).toMatch(/color-scheme: dark;/);
    // A dark system, followed while the theme is `system`.
    window.matchMedia = vi.fn((query: string) => ({ matches: query === '(prefers-color-scheme: dark)', media: query, addEventListener() {}, removeEventListener() {} }) as unknown as MediaQueryList);
    try {
      await renderApp();
      await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));
    } finally {
      delete (window as { matchMedia?: unknown }).matchMedia;
    }
  });
});

describe('a key without a secret to give', () => {
  it('is said gently when Rust refuses a reveal or copy the listing had not caught up with, and the buttons then disable', async () => {
    backend.sources = [source({ name: 'prod', dialect: '003' })];
    for (const name of ['remote-1', 'remote-2', 'remote-3']) backend.keys.push(record({ name, source: 'prod', mask: 'kd_…77aa' }));
    backend.failing.copy_secret = backend.failing.reveal_secret = remoteError('prod', 'no_full_keys', 'its dialect does not return full keys, so keydeck has no secret for `remote-1`');
    await renderApp();
    await fireEvent.click(await screen.findByRole('button', { name: /^prod/ }));
    await waitFor(() => expect(rows()).toHaveLength(3));
    const why = "Dialect 003's API returns no full keys, so keydeck has no secret for this key.";
    const notes = () => screen.queryAllByRole('status').filter((s) => s.textContent!.includes(why));
    /** Rust knows by now (a sync just changed the source); the window's listing does not yet. */
    const rustKnows = (name: string) => (backend.keys.find((k) => k.name === name)!.cannot_reveal = { reason: 'no_full_keys', dialect: '003' });
    const button = (pane: HTMLElement, name: string) => within(pane).getByRole('button', { name }) as HTMLButtonElement;
    for (const [name, press] of [
      ['remote-1', (pane: HTMLElement) => fireEvent.click(button(pane, 'Reveal'))],
      ['remote-2', (pane: HTMLElement) => fireEvent.click(button(pane, 'Copy'))],
      ['remote-3', () => (grid().focus(), fireEvent.keyDown(grid(), { key: 'c', ctrlKey: true }))],
    ] as const) {
      await fireEvent.dblClick(row(name));
      const pane = await screen.findByRole('complementary', { name: `Details of ${name}` });
      expect(button(pane, 'Copy').disabled, name).toBe(false);
      rustKnows(name);
      await press(pane);
      await waitFor(() => expect(notes(), name).toHaveLength(1));
      expect(screen.queryByRole('alert'), name).toBeNull();
      expect(app.error, name).toBeNull();
      // The listing and the details follow: Reveal and Copy disabled, the reason beside them.
      await waitFor(() => expect(button(pane, 'Copy').disabled, name).toBe(true));
      expect(button(pane, 'Reveal').disabled, name).toBe(true);
      expect(within(pane).getByText(why).id).toBe('reveal-why');
      app.explain(null);
    }
  });

  it('says "revoked" gently when the key was revoked elsewhere a moment before a copy', async () => {
    backend.failing.copy_secret = { code: 'key_revoked', message: 'key `stripe-live` is revoked and its secret was deleted', action: { kind: 'add_new_key' } };
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(4));
    grid().focus();
    await fireEvent.keyDown(grid(), { key: 'End' });
    await fireEvent.keyDown(grid(), { key: 'c', ctrlKey: true });
    await waitFor(() => expect(screen.getAllByRole('status').some((s) => s.textContent!.includes('This key is revoked; its secret is gone.'))).toBe(true));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('a generated key', () => {
  async function addGenerated(name: string) {
    await fireEvent.click(screen.getByRole('button', { name: '+ Add key' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a key' });
    await fireEvent.click(within(dialog).getByLabelText(/Generate a random secret/));
    await fireEvent.input(within(dialog).getByLabelText('Name'), { target: { value: name } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Add key' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  }

  it('is selected with its details open, and its secret can be copied once, by reference', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(4));
    await addGenerated('new-generated');
    await screen.findByRole('complementary', { name: 'Details of new-generated' });
    expect(row('new-generated').getAttribute('aria-selected')).toBe('true');
    expect(grid().getAttribute('aria-activedescendant')).toBe(row('new-generated').id);
    const offer = screen.getByRole('button', { name: 'Copy the new secret' });
    await expectAccessible('the new key offered for copying');
    await fireEvent.click(offer);
    await waitFor(() => expect(backend.last('copy_secret')).toEqual({ key: { source: 'local', id: 'id-new-generated' } }));
    expect(await screen.findByText(/Copied the secret of/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Copy the new secret' })).toBeNull();
    expect(backend.calls.filter((c) => c.cmd === 'copy_secret')).toHaveLength(1);
    expect(backend.calls.some((c) => c.cmd === 'reveal_secret')).toBe(false);
  });

  it('is offered for copying only when generated', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.click(screen.getByRole('button', { name: '+ Add key' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a key' });
    await fireEvent.input(within(dialog).getByLabelText('Name'), { target: { value: 'typed-in' } });
    await fireEvent.input(within(dialog).getByLabelText('Secret'), { target: { value: 'sk_test_typed_123456' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Add key' }));
    await screen.findByRole('complementary', { name: 'Details of typed-in' });
    expect(row('typed-in').getAttribute('aria-selected')).toBe('true');
    expect(screen.queryByRole('button', { name: 'Copy the new secret' })).toBeNull();
  });
});

describe('narrow windows and the selected row', () => {
  const resize = (width: number) => {
    window.innerWidth = width;
    window.dispatchEvent(new Event('resize'));
  };
  afterEach(() => resize(1400));

  it('lays the details over the table under 1200 px, with a close button, and beside it when wide', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(4));
    resize(1400);
    await fireEvent.dblClick(row('stripe-live'));
    let pane = await screen.findByRole('complementary', { name: 'Details of stripe-live' });
    expect(pane.classList.contains('overlay')).toBe(false);
    resize(900);
    await waitFor(() => expect(pane.classList.contains('overlay')).toBe(true));
    await expectAccessible('the details over the table');
    await fireEvent.click(within(pane).getByRole('button', { name: 'Close the details (Esc)' }));
    expect(screen.queryByRole('complementary')).toBeNull();
    await fireEvent.dblClick(row('github-ci'));
    pane = await screen.findByRole('complementary', { name: 'Details of github-ci' });
    expect(pane.classList.contains('overlay')).toBe(true);
    resize(1280);
    await waitFor(() => expect(pane.classList.contains('overlay')).toBe(false));
  });

  it('scrolls the selected row into view when its details open', async () => {
    backend.keys = Array.from({ length: 150 }, (_, i) => record({ name: `key-${String(i).padStart(3, '0')}` }));
    const scrolls: number[] = [];
    // jsdom has no scrolling: record where the table is asked to scroll to.
    HTMLElement.prototype.scrollTo = function (this: HTMLElement, options?: ScrollToOptions | number) {
      if (this.classList.contains('scroller') && typeof options === 'object') scrolls.push(options.top ?? -1);
    } as HTMLElement['scrollTo'];
    try {
      await renderApp();
      await waitFor(() => expect(rows().length).toBeGreaterThan(0));
      // What a window's layout would say: 150 rows and the header, 600 px of them shown.
      const scroller = document.querySelector('.scroller')!;
      Object.defineProperty(scroller, 'scrollHeight', { value: 151 * 36 });
      Object.defineProperty(scroller, 'clientHeight', { value: 600 });
      grid().focus();
      await fireEvent.keyDown(grid(), { key: 'End' });
      for (let i = 0; i < 5; i++) await fireEvent.keyDown(grid(), { key: 'ArrowUp' });
      const index = app.selectedIndex;
      expect(index).toBe(144);
      // The user scrolled away meanwhile (the mouse wheel): the table sits at its top again.
      scrolls.length = 0;
      await fireEvent.keyDown(grid(), { key: 'Enter' });
      await screen.findByRole('complementary', { name: `Details of key-${String(index).padStart(3, '0')}` });
      await waitFor(() => expect(scrolls.length).toBeGreaterThan(0));
      const top = scrolls[scrolls.length - 1];
      // The row's 36 px band lies within the 600 px the scroller shows from `top`.
      expect(top).toBeLessThanOrEqual(index * 36);
      expect(top + 600).toBeGreaterThanOrEqual((index + 1) * 36);
    } finally {
      delete (HTMLElement.prototype as { scrollTo?: unknown }).scrollTo;
    }
  });
});

describe("keydeck's own context menu", () => {
  const menu = () => screen.queryByRole('menu');
  const items = () => within(menu()!).getAllByRole('menuitem');
  const item = (name: string) => within(menu()!).getByRole('menuitem', { name });
  /** An item's reason for being disabled, or null when it is enabled. */
  const why = (name: string) => {
    const element = item(name);
    if (element.getAttribute('aria-disabled') !== 'true') return null;
    return document.getElementById(element.getAttribute('aria-describedby') ?? '')?.textContent ?? '(no reason)';
  };
  const rightClick = (element: Element) => fireEvent.contextMenu(element, { clientX: 300, clientY: 200 });

  it('opens on a right-click with every action; the webview\'s own menu never shows outside text fields', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(4));
    expect(await rightClick(row('github-ci'))).toBe(false); // default prevented
    expect(menu()!.getAttribute('aria-label')).toBe('Actions for github-ci');
    expect(items().map((i) => i.textContent?.trim())).toEqual(['Copy', 'Reveal', 'Edit', 'Rotate', 'Revoke', 'Delete']);
    expect(items().map((i) => i.getAttribute('aria-disabled'))).toEqual(Array(6).fill(null));
    expect(row('github-ci').getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(item('Copy'));
    await expectAccessible('the context menu');
    await fireEvent.click(item('Copy'));
    await waitFor(() => expect(backend.last('copy_secret')).toEqual({ key: { source: 'local', id: 'id-github-ci' } }));
    expect(menu()).toBeNull();
    expect(document.activeElement).toBe(grid());
    // Anywhere else the webview's menu (Back, Reload, Inspect) is held back; text fields keep
    // theirs (cut, copy, paste).
    expect(await rightClick(screen.getByRole('button', { name: '+ Add key' }))).toBe(false);
    expect(await rightClick(document.body)).toBe(false);
    expect(menu()).toBeNull();
    expect(await rightClick(screen.getByRole('searchbox', { name: 'Search keys' }))).toBe(true);
  });

  it('disables what cannot apply, with the reason: a revoked key, a remote key', async () => {
    backend.sources = [source({ name: 'prod', dialect: '003' })];
    backend.keys.push(
      record({ name: 'remote-one', source: 'prod', cannot_reveal: { reason: 'no_full_keys', dialect: '003' }, cannot_revoke: { reason: 'no_revoke_request', dialect: '003' } }),
    );
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(5));
    await rightClick(row('slack-bot'));
    const revoked = 'This key is revoked; its secret is gone.';
    expect(['Copy', 'Reveal', 'Edit', 'Rotate', 'Revoke', 'Delete'].map(why)).toEqual([revoked, revoked, null, 'This key is revoked: give it no new secret, add a new key instead.', revoked, null]);
    await expectAccessible('the context menu of a revoked key');
    // A disabled item does nothing, and says why where it stands.
    await fireEvent.click(item('Copy'));
    expect(menu()).not.toBeNull();
    expect(backend.last('copy_secret')).toBeUndefined();
    await fireEvent.keyDown(menu()!, { key: 'Escape' });
    await fireEvent.click(screen.getByRole('button', { name: /^prod/ }));
    await waitFor(() => expect(rows().map((r) => r.dataset.keyName)).toEqual(['remote-one']));
    await rightClick(row('remote-one'));
    const remote = "A remote source's keys are changed on its server; keydeck only lists them.";
    const noSecret = "Dialect 003's API returns no full keys, so keydeck has no secret for this key.";
    expect(['Copy', 'Reveal', 'Edit', 'Rotate', 'Revoke', 'Delete'].map(why)).toEqual([
      noSecret,
      noSecret,
      remote,
      remote,
      "Revoking is not part of dialect 003's API, and this source has no revoke request.",
      remote,
    ]);
    for (const name of ['Copy', 'Reveal']) {
      await fireEvent.keyDown(item(name), { key: 'Enter' });
      expect(menu()).not.toBeNull();
    }
    expect(backend.last('copy_secret')).toBeUndefined();
    expect(backend.last('reveal_secret')).toBeUndefined();
    expect(screen.queryByRole('alert')).toBeNull();
    await expectAccessible('the context menu of a remote key');
  });

  it('works from the keyboard: Shift+F10 or the menu key, arrows, Enter, Esc; the focus goes back to the row', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(4));
    grid().focus();
    await fireEvent.keyDown(grid(), { key: 'End' }); // stripe-live
    await fireEvent.keyDown(grid(), { key: 'F10', shiftKey: true });
    expect(menu()!.getAttribute('aria-label')).toBe('Actions for stripe-live');
    expect(document.activeElement).toBe(item('Copy'));
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(item('Reveal'));
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(item('Delete'));
    await fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(menu()).toBeNull();
    expect(document.activeElement).toBe(grid());
    expect(grid().getAttribute('aria-activedescendant')).toBe(row('stripe-live').id);
    expect(screen.queryByRole('complementary')).toBeNull();
    // Another shortcut's dialog takes the focus, and the menu goes.
    await fireEvent.keyDown(grid(), { key: 'ContextMenu' });
    await fireEvent.keyDown(document.activeElement!, { key: 'n', ctrlKey: true });
    const add = await screen.findByRole('dialog', { name: 'Add a key' });
    expect(menu()).toBeNull();
    expect(add.contains(document.activeElement)).toBe(true);
    await fireEvent.keyDown(add, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    grid().focus();

    // Each action is the one the detail pane and the keys do.
    const choose = async (name: string) => {
      await fireEvent.keyDown(grid(), { key: 'ContextMenu' });
      while (document.activeElement !== item(name)) await fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
      await fireEvent.keyDown(document.activeElement!, { key: 'Enter' });
      expect(menu()).toBeNull();
    };
    await choose('Revoke');
    let dialog = await screen.findByRole('dialog', { name: 'Revoke stripe-live?' });
    await fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(document.activeElement).toBe(grid()));
    for (const [name, title] of [
      ['Edit', 'Edit stripe-live'],
      ['Rotate', 'Rotate stripe-live'],
      ['Delete', 'Delete stripe-live?'],
    ]) {
      await choose(name);
      dialog = await screen.findByRole('dialog', { name: title });
      await fireEvent.keyDown(dialog, { key: 'Escape' });
      await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
      grid().focus();
    }
    await choose('Reveal');
    const pane = await screen.findByRole('complementary', { name: 'Details of stripe-live' });
    await waitFor(() => expect(within(pane).getByTestId('secret-value').textContent).toBe('sk_live_51HqLyjWDarjtT1zdp7dc9f3a'));
    expect(backend.calls.filter((c) => c.cmd === 'reveal_secret')).toHaveLength(1);
  });

  it('names a hostile key inert', async () => {
    backend.keys.push(record({ name: 'invoice\u202Egnp.exe\x1b[2J' }));
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(5));
    await rightClick(row('invoice\u202Egnp.exe\x1b[2J'));
    expect(menu()!.getAttribute('aria-label')).toBe('Actions for invoice<U+202E>gnp.exe\\x1b[2J');
  });

  it('closes on Esc, leaving the details open, and on a click outside it', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.dblClick(row('aws-deploy'));
    await screen.findByRole('complementary', { name: 'Details of aws-deploy' });
    await rightClick(row('aws-deploy'));
    // Esc closes the menu alone, not the details behind it.
    await fireEvent.keyDown(item('Copy'), { key: 'Escape' });
    expect(menu()).toBeNull();
    expect(screen.getByRole('complementary', { name: 'Details of aws-deploy' })).toBeTruthy();
    await rightClick(row('aws-deploy'));
    await fireEvent.mouseDown(item('Copy'));
    expect(menu()).not.toBeNull();
    await fireEvent.mouseDown(screen.getByRole('searchbox', { name: 'Search keys' }));
    expect(menu()).toBeNull();
  });
});

describe('expiry presets', () => {
  it('set the expiry 30, 90 or 365 days from now, or none, in one click', async () => {
    await renderApp();
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.keyDown(window, { key: 'n', ctrlKey: true });
    const dialog = await screen.findByRole('dialog', { name: 'Add a key' });
    await fireEvent.input(within(dialog).getByLabelText('Name'), { target: { value: 'ninety' } });
    await fireEvent.input(within(dialog).getByLabelText('Secret'), { target: { value: 'sk_test_ninety_123456789' } });
    const presets = within(dialog).getByRole('group', { name: 'Expires in' });
    await fireEvent.click(within(presets).getByRole('button', { name: 'Never' }));
    expect((within(dialog).getByLabelText('Expires') as HTMLInputElement).value).toBe('');
    await fireEvent.click(within(presets).getByRole('button', { name: '90 days' }));
    expect((within(dialog).getByLabelText('Expires') as HTMLInputElement).value).not.toBe('');
    await expectAccessible('the add dialog with its presets');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Add key' }));
    await waitFor(() => expect(backend.last('add_key')).toBeTruthy());
    const at = Date.parse((backend.last('add_key')!.key as { expires_at: string }).expires_at);
    const days = (at - Date.now()) / 86_400_000;
    // The input holds minutes: within a minute of 90 days from now.
    expect(days).toBeGreaterThan(89.99);
    expect(days).toBeLessThan(90.01);
  });
});
