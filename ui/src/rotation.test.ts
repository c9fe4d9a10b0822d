// Rotation in the window: the grace period and a new expiry chosen in the rotate dialog, and
// the previous secret shown in the details while it is kept.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { clearMocks } from '@tauri-apps/api/mocks';
import { timeLeft } from './lib/format';
import { fakeBackend, type Backend } from './test/backend';
import { expectAccessible, renderApp, row, rows } from './test/window';

let backend: Backend;

beforeEach(() => {
  backend = fakeBackend();
});

afterEach(() => {
  cleanup();
  clearMocks();
});

async function openDetails(name: string) {
  await renderApp();
  await waitFor(() => expect(rows()).toHaveLength(4));
  await fireEvent.dblClick(row(name));
  return screen.findByRole('complementary', { name: `Details of ${name}` });
}

describe('rotating a key', () => {
  it('sends the grace period and the new expiry the dialog was given', async () => {
    const pane = await openDetails('stripe-live');
    await fireEvent.click(within(pane).getByRole('button', { name: 'Rotate' }));
    const dialog = await screen.findByRole('dialog', { name: 'Rotate stripe-live' });
    await fireEvent.input(within(dialog).getByLabelText('New secret'), { target: { value: 'sk_live_new_0123456789' } });
    const keep = within(dialog).getByLabelText('Keep the old secret revealable') as HTMLSelectElement;
    expect(keep.selectedOptions[0].textContent).toBe('No: delete it now'); // no grace unless chosen
    keep.value = '86400';
    await fireEvent.change(keep);
    await fireEvent.click(within(dialog).getByRole('button', { name: '90 days' }));
    await expectAccessible('the rotate dialog');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Rotate' }));
    await waitFor(() => expect(backend.last('rotate_key')).toBeDefined());
    const { rotation } = backend.last('rotate_key') as { rotation: { keep_previous_secs: number; expires_at: string } };
    expect(rotation.keep_previous_secs).toBe(86400);
    const days = (Date.parse(rotation.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThanOrEqual(90);
  });

  it('keeps the expiry as it was when none is chosen, and "Never" removes it', async () => {
    const pane = await openDetails('github-ci');
    await fireEvent.click(within(pane).getByRole('button', { name: 'Rotate' }));
    let dialog = await screen.findByRole('dialog', { name: 'Rotate github-ci' });
    await fireEvent.input(within(dialog).getByLabelText('New secret'), { target: { value: 'ghp_new_0123456789' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Rotate' }));
    await waitFor(() => expect(backend.last('rotate_key')).toBeDefined());
    type Sent = { rotation: { keep_previous_secs: number | null; expires_at: string | null } };
    expect((backend.last('rotate_key') as Sent).rotation).toEqual({ keep_previous_secs: null, expires_at: '2026-12-01T00:00:00.000Z' });

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await fireEvent.click(within(pane).getByRole('button', { name: 'Rotate' }));
    dialog = await screen.findByRole('dialog', { name: 'Rotate github-ci' });
    await fireEvent.input(within(dialog).getByLabelText('New secret'), { target: { value: 'ghp_new_0123456789' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Never' }));
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Rotate' }));
    await waitFor(() => expect(backend.calls.filter((c) => c.cmd === 'rotate_key')).toHaveLength(2));
    expect((backend.last('rotate_key') as Sent).rotation.expires_at).toBeNull();
  });
});

describe('time left', () => {
  it('reads down to the deadline, never later than it is', () => {
    const now = Date.parse('2026-11-29T12:00:00Z');
    const at = (seconds: number) => new Date(now + seconds * 1000).toISOString();
    expect(timeLeft(at(86_399.6), now)).toBe('23 h 59 min');
    expect(timeLeft(at(7 * 86_400 - 1), now)).toBe('6 days 23 h');
    expect(timeLeft(at(86_400), now)).toBe('1 day 0 h');
    expect(timeLeft(at(45), now)).toBe('45 s');
    expect(timeLeft(at(-5), now)).toBe('0 s');
  });
});

describe('the previous secret', () => {
  it('shows until when it is kept, and reveals it on request only', async () => {
    const until = new Date(Date.now() + 23 * 3600_000).toISOString();
    backend.details['id-stripe-live'] = { previous_until: until };
    backend.secrets['id-stripe-live@previous'] = 'sk_live_old_0123456789';
    const pane = await openDetails('stripe-live');
    const previous = await within(pane).findByRole('region', { name: 'Previous secret' });
    expect(previous.textContent).toMatch(/deleted in 22 h 59 min\./);
    expect(previous.textContent).not.toContain('sk_live_old');
    await fireEvent.click(within(previous).getByRole('button', { name: 'Reveal previous' }));
    await waitFor(() => expect(within(previous).getByTestId('previous-value').textContent).toBe('sk_live_old_0123456789'));
    expect(backend.last('reveal_previous')).toEqual({ id: 'id-stripe-live' });
    await expectAccessible('the details with a previous secret');
    window.dispatchEvent(new Event('blur'));
    await waitFor(() => expect(within(previous).getByTestId('previous-value').textContent).toBe('••••••••'));
  });

  it('is not shown for a key that keeps none', async () => {
    const pane = await openDetails('stripe-live');
    expect(within(pane).queryByRole('region', { name: 'Previous secret' })).toBeNull();
  });
});
