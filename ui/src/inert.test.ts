import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/svelte';
import Inert from './lib/components/Inert.svelte';
import { inertText, segments } from './lib/inert';

const char = (point: number) => String.fromCodePoint(point);

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const escapes: Record<number, string> = { 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r' };

/** Every dangerous character with its marker, as the CLI prints it. */
const dangerous: [number, string][] = [
  ...[...range(0x00, 0x1f), 0x7f, ...range(0x80, 0x9f)].map((p): [number, string] => [
    p,
    escapes[p] ?? `\\x${p.toString(16).padStart(2, '0')}`,
  ]),
  ...[...range(0x202a, 0x202e), ...range(0x2066, 0x2069), 0x200e, 0x200f, 0x061c].map((p): [number, string] => [
    p,
    `<U+${p.toString(16).toUpperCase().padStart(4, '0')}>`,
  ]),
];

describe('inertText', () => {
  it('gives every dangerous character its marker', () => {
    expect(dangerous).toHaveLength(32 + 1 + 32 + 12);
    for (const [point, marker] of dangerous) expect(inertText(`a${char(point)}b`), point.toString(16)).toBe(`a${marker}b`);
  });

  it('spells the markers exactly as the CLI does', () => {
    expect(inertText('\n\r\t')).toBe('\\n\\r\\t');
    expect(inertText('\x00\x07\x1b\x7f\x9b')).toBe('\\x00\\x07\\x1b\\x7f\\x9b');
    expect(inertText('\u202E\u2066\u200F\u061C')).toBe('<U+202E><U+2066><U+200F><U+061C>');
  });

  it('stops exactly at each end of each range', () => {
    const cases: [number, string][] = [
      [0x1f, '\\x1f'], [0x20, ' '],
      [0x7e, '~'], [0x7f, '\\x7f'],
      [0x9f, '\\x9f'], [0xa0, '\u00a0'],
      [0x200d, '\u200d'], [0x200e, '<U+200E>'], [0x200f, '<U+200F>'], [0x2010, '\u2010'],
      [0x2029, '\u2029'], [0x202a, '<U+202A>'],
      [0x202e, '<U+202E>'], [0x202f, '\u202f'],
      [0x2065, '\u2065'], [0x2066, '<U+2066>'],
      [0x2069, '<U+2069>'], [0x206a, '\u206a'],
      [0x061b, '\u061b'], [0x061c, '<U+061C>'], [0x061d, '\u061d'],
    ];
    for (const [point, shown] of cases) expect(inertText(char(point)), point.toString(16)).toBe(shown);
  });

  it('leaves everything else as it is: scripts, combining marks, emoji (surrogate pairs)', () => {
    for (const text of ['Z\u0351\u0354a\u0308lgo', 'שלום עולם', 'مرحبا', '日本語', '👩‍💻 🔑', '\u{1F600}', 'e\u0301', '<b>&amp;</b>']) {
      expect(inertText(text)).toBe(text);
      expect(segments(text)).toEqual([{ text }]);
    }
    // Next to a marker, surrogate pairs stay whole.
    expect(inertText('🔑\u202E🔑')).toBe('🔑<U+202E>🔑');
    expect(segments('🔑\u202E🔑')).toEqual([{ text: '🔑' }, { marker: '<U+202E>', code: 'U+202E', name: 'RIGHT-TO-LEFT OVERRIDE' }, { text: '🔑' }]);
  });
});

describe('segments', () => {
  it('splits text into plain runs and one named marker per dangerous character', () => {
    expect(segments('\x1b[31mRED\x07')).toEqual([
      { marker: '\\x1b', code: 'U+001B', name: 'ESCAPE' },
      { text: '[31mRED' },
      { marker: '\\x07', code: 'U+0007', name: 'BELL' },
    ]);
    expect(segments('a\n\nb')).toEqual([
      { text: 'a' },
      { marker: '\\n', code: 'U+000A', name: 'LINE FEED' },
      { marker: '\\n', code: 'U+000A', name: 'LINE FEED' },
      { text: 'b' },
    ]);
    expect(segments('')).toEqual([]);
  });

  it('names the usual suspects', () => {
    const name = (text: string) => (segments(text)[0] as { name: string }).name;
    expect(name('\x00')).toBe('NULL');
    expect(name('\t')).toBe('CHARACTER TABULATION');
    expect(name('\r')).toBe('CARRIAGE RETURN');
    expect(name('\x7f')).toBe('DELETE');
    expect(name('\u200E')).toBe('LEFT-TO-RIGHT MARK');
    expect(name('\u202C')).toBe('POP DIRECTIONAL FORMATTING');
    expect(name('\u061C')).toBe('ARABIC LETTER MARK');
    expect(name('\x81')).toBe('CONTROL CHARACTER');
  });

  it('joins back to inertText, marker by marker', () => {
    const text = `x${dangerous.map(([p]) => char(p)).join('y')}z`;
    const joined = segments(text).map((s) => ('marker' in s ? s.marker : s.text)).join('');
    expect(joined).toBe(inertText(text));
    expect(segments(text).filter((s) => 'marker' in s)).toHaveLength(dangerous.length);
  });
});

describe('the Inert component', () => {
  afterEach(cleanup);

  it('shows markers as titled, isolated spans', () => {
    const { container } = render(Inert, { props: { text: 'invoice\u202Egnp.exe' } });
    const bdi = container.querySelector('bdi')!;
    expect(bdi.textContent).toBe('invoice<U+202E>gnp.exe');
    const marker = bdi.querySelector('.ctl')!;
    expect(marker.textContent).toBe('<U+202E>');
    expect(marker.getAttribute('title')).toBe('U+202E RIGHT-TO-LEFT OVERRIDE');
  });

  it('cuts at max characters (code points) with … and keeps the whole inert text in a title', () => {
    const { container } = render(Inert, { props: { text: `${'🔑'.repeat(5)}\u202E${'a'.repeat(20)}`, max: 7 } });
    const bdi = container.querySelector('bdi')!;
    expect(bdi.textContent).toBe('🔑🔑🔑🔑🔑<U+202E>a…');
    expect(bdi.getAttribute('title')).toBe(`${'🔑'.repeat(5)}<U+202E>${'a'.repeat(20)}`);
  });

  it('leaves a short value whole, without a title', () => {
    const { container } = render(Inert, { props: { text: 'short', max: 7 } });
    expect(container.querySelector('bdi')!.textContent).toBe('short');
    expect(container.querySelector('bdi')!.hasAttribute('title')).toBe(false);
  });

  it('keeps line breaks visible after their markers when asked (notes)', () => {
    const { container } = render(Inert, { props: { text: 'one\ntwo', breaks: true } });
    expect(container.querySelectorAll('br')).toHaveLength(1);
    expect(container.textContent).toBe('one\\ntwo');
  });
});
