/**
 * Message segments as carriers count them: GSM-7 (160 chars in one part,
 * 153 per part when split) or UCS-2 (70 / 67 UTF-16 units).
 */
const GSM_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXT = '^{}\\[~]|€\f';

/** How a text travels: its encoding, parts and counted characters. */
export interface Segments { encoding: 'GSM-7' | 'UCS-2'; segments: number; characters: number }

/** Counts the segments of `text` (an MMS with no text still counts as one message). */
export function countSegments(text: string): Segments {
  let septets = 0;
  for (const ch of text) {
    if (GSM_BASIC.includes(ch)) septets += 1;
    else if (GSM_EXT.includes(ch)) septets += 2; // escape + char
    else {
      const units = text.length; // UTF-16 code units: what UCS-2 counts
      return { encoding: 'UCS-2', segments: Math.max(1, units <= 70 ? 1 : Math.ceil(units / 67)), characters: units };
    }
  }
  return { encoding: 'GSM-7', segments: Math.max(1, septets <= 160 ? 1 : Math.ceil(septets / 153)), characters: septets };
}
