// Quick access: the palette the global shortcut shows, and the shortcut Settings records.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { clearMocks } from '@tauri-apps/api/mocks';
import Quick from './Quick.svelte';
import { order } from './lib/quick.svelte';
import { shortcutOf } from './lib/shortcut';
import { fakeBackend, record, type Backend } from './test/backend';
import { expectAccessible } from './test/window';

let backend: Backend;

beforeEach(() => {
  backend = fakeBackend();
});

afterEach(() => {
  cleanup();
  clearMocks();
});

const options = () => within(screen.getByRole('listbox', { name: 'Keys' })).getAllByRole('option');
const names = () => options().map((o) => o.querySelector('.name')?.textContent);
const selected = () => options().find((o) => o.getAttribute('aria-selected') === 'true')?.querySelector('.name')?.textContent;
const box = () => screen.getByRole('combobox', { name: 'Find a key to copy' });

async function openPalette() {
  render(Quick);
  await waitFor(() => expect(names()[0]).toBeTruthy());
}

describe('the quick access palette', () => {
  it('lists the keys copied last first, marked, then the rest by name, without revoked keys', async () => {
    backend.copied = [
      { source: 'local', id: 'id-stripe-live' },
      { source: 'local', id: 'id-aws-deploy' },
      { source: 'local', id: 'id-slack-bot' }, // revoked since: not offered
    ];
    await openPalette();
    expect(names()).toEqual(['aws-deploy', 'stripe-live', 'github-ci']);
    expect(options()[0].textContent).toContain('recent');
    expect(options()[2].textContent).not.toContain('recent');
    expect(options()[0].textContent).toContain('expired'); // its state is said
    await expectAccessible('the quick access palette');
  });

  it('searches as one types, recent matches first; ↑↓ choose; Enter copies and hides', async () => {
    backend.copied = [{ source: 'local', id: 'id-stripe-live' }];
    await openPalette();
    await fireEvent.input(box(), { target: { value: 't' } });
    await waitFor(() => expect(names()).toEqual(['stripe-live', 'github-ci']));
    expect(selected()).toBe('stripe-live');
    await fireEvent.keyDown(box(), { key: 'ArrowDown' });
    expect(selected()).toBe('github-ci');
    await fireEvent.keyDown(box(), { key: 'ArrowDown' }); // wraps
    expect(selected()).toBe('stripe-live');
    await fireEvent.keyDown(box(), { key: 'ArrowUp' });
    await fireEvent.keyDown(box(), { key: 'Enter' });
    await waitFor(() => expect(backend.copied.at(-1)).toEqual({ source: 'local', id: 'id-github-ci' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Copied github-ci; cleared in 30 s'));
    expect(backend.calls.some((c) => c.cmd === 'reveal_secret')).toBe(false); // a copy never brings the secret here
    await waitFor(() => expect(backend.last('hide_quick_access')).toBeDefined(), { timeout: 2000 });
  });

  it('reveals with Shift+Enter in the row, and Esc hides', async () => {
    await openPalette();
    expect(selected()).toBe('aws-deploy');
    await fireEvent.input(box(), { target: { value: 'stripe' } });
    await waitFor(() => expect(names()).toEqual(['stripe-live']));
    await fireEvent.keyDown(box(), { key: 'Enter', shiftKey: true });
    await waitFor(() => expect(options()[0].textContent).toContain('sk_live_51HqLyjWDarjtT1zdp7dc9f3a'));
    expect(backend.last('copy_secret')).toBeUndefined();
    await fireEvent.keyDown(box(), { key: 'Escape' });
    expect(backend.last('hide_quick_access')).toBeDefined();
  });

  it('says why a key without a secret cannot be copied, and says when nothing matches', async () => {
    backend.keys = [record({ name: 'team-ci', source: 'team', cannot_reveal: { reason: 'no_full_keys', dialect: '002' } })];
    await openPalette();
    await fireEvent.keyDown(box(), { key: 'Enter' });
    expect(screen.getByRole('status').textContent).toMatch(/full keys|secret/i);
    expect(backend.last('copy_secret')).toBeUndefined();
    await fireEvent.input(box(), { target: { value: 'zzz' } });
    await waitFor(() => expect(screen.getByText('No key matches')).toBeTruthy());
  });

  it('acts on an Enter pressed before the keys arrive, once they do', async () => {
    backend.copied = [{ source: 'local', id: 'id-github-ci' }];
    let answer!: () => void;
    backend.holding.list_keys = new Promise<void>((resolve) => (answer = resolve));
    render(Quick);
    await fireEvent.keyDown(box(), { key: 'Enter' });
    expect(backend.last('copy_secret')).toBeUndefined();
    answer();
    await waitFor(() => expect(backend.last('copy_secret')).toEqual({ key: { source: 'local', id: 'id-github-ci' } }));
  });

  it('keeps what was typed when its window gets the focus again (each show is a new window)', async () => {
    await openPalette();
    await fireEvent.input(box(), { target: { value: 'stripe' } });
    await waitFor(() => expect(names()).toEqual(['stripe-live']));
    const listings = backend.calls.filter((c) => c.cmd === 'list_keys').length;
    window.dispatchEvent(new Event('focus'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((box() as HTMLInputElement).value).toBe('stripe');
    expect(names()).toEqual(['stripe-live']);
    expect(backend.calls.filter((c) => c.cmd === 'list_keys').length).toBe(listings);
  });
});

describe('ordering', () => {
  it('keeps only the recent keys a search matched', () => {
    const [a, b, c] = ['a', 'b', 'c'].map((name) => record({ name }));
    expect(order([c, a], [a, b], true).map((k) => k.name)).toEqual(['a', 'b']);
    expect(order([c, a], [a, b], false).map((k) => k.name)).toEqual(['c', 'a', 'b']);
  });
});

describe('the shortcut recorder', () => {
  const press = (code: string, mods: Partial<Record<'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey', boolean>> = {}, key = code) =>
    shortcutOf({ key, code, ctrlKey: false, shiftKey: false, altKey: false, metaKey: false, ...mods });

  it('words a press as Rust reads it', () => {
    expect(press('KeyK', { ctrlKey: true, shiftKey: true }, 'K')).toBe('Ctrl+Shift+K');
    expect(press('Digit1', { altKey: true }, '1')).toBe('Alt+1');
    expect(press('F8')).toBe('F8');
    expect(press('Space', { metaKey: true }, ' ')).toBe('Super+Space');
  });

  it('ignores a modifier alone, and a plain key every program needs', () => {
    expect(press('ShiftLeft', { shiftKey: true }, 'Shift')).toBeNull();
    expect(press('KeyK', {}, 'k')).toBeNull();
  });
});
