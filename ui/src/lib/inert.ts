// Text from outside (key names, server messages…) shown inert: Svelte escapes HTML, but
// control and bidi characters would still reach the screen, where they can reorder a name
// ("invoice\u202Egnp.exe") or hide in it. Each one becomes a visible marker, spelled the way
// the CLI prints it, so the window and the terminal show the same thing.

import { MARKERS } from './bindings/markers';

export type Segment = { text: string } | { marker: string; code: string; name: string };

// C0, DEL, C1 and the bidi controls, as keydeck_core::text lists them (generated); nothing
// else (combining marks, emoji, scripts stay).
const DANGEROUS = new RegExp(
  `[${Object.keys(MARKERS)
    .map((point) => `\\u{${Number(point).toString(16)}}`)
    .join('')}]`,
  'gu',
);

const C0 = [
  'NULL', 'START OF HEADING', 'START OF TEXT', 'END OF TEXT', 'END OF TRANSMISSION', 'ENQUIRY',
  'ACKNOWLEDGE', 'BELL', 'BACKSPACE', 'CHARACTER TABULATION', 'LINE FEED', 'LINE TABULATION',
  'FORM FEED', 'CARRIAGE RETURN', 'SHIFT OUT', 'SHIFT IN', 'DATA LINK ESCAPE', 'DEVICE CONTROL ONE',
  'DEVICE CONTROL TWO', 'DEVICE CONTROL THREE', 'DEVICE CONTROL FOUR', 'NEGATIVE ACKNOWLEDGE',
  'SYNCHRONOUS IDLE', 'END OF TRANSMISSION BLOCK', 'CANCEL', 'END OF MEDIUM', 'SUBSTITUTE', 'ESCAPE',
  'INFORMATION SEPARATOR FOUR', 'INFORMATION SEPARATOR THREE', 'INFORMATION SEPARATOR TWO',
  'INFORMATION SEPARATOR ONE',
];

const NAMES: Record<number, string> = {
  0x7f: 'DELETE',
  0x85: 'NEXT LINE',
  0x90: 'DEVICE CONTROL STRING',
  0x9b: 'CONTROL SEQUENCE INTRODUCER',
  0x9c: 'STRING TERMINATOR',
  0x9d: 'OPERATING SYSTEM COMMAND',
  0x061c: 'ARABIC LETTER MARK',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
};

function markerOf(point: number): { marker: string; code: string; name: string } {
  const hex = point.toString(16);
  return {
    marker: MARKERS[point],
    code: `U+${hex.toUpperCase().padStart(4, '0')}`,
    name: C0[point] ?? NAMES[point] ?? 'CONTROL CHARACTER',
  };
}

/** `text` as plain runs and one marker per dangerous character. */
export function segments(text: string): Segment[] {
  const parts: Segment[] = [];
  let start = 0;
  for (const match of text.matchAll(DANGEROUS)) {
    if (match.index > start) parts.push({ text: text.slice(start, match.index) });
    parts.push(markerOf(match[0].codePointAt(0)!));
    start = match.index + match[0].length;
  }
  if (start < text.length) parts.push({ text: text.slice(start) });
  return parts;
}

/** `text` with each dangerous character replaced by its marker, for attributes (title,
 *  aria-label) that cannot hold markup. */
export function inertText(text: string): string {
  return text.replace(DANGEROUS, (c) => markerOf(c.codePointAt(0)!).marker);
}
