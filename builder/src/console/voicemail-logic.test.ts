import { describe, expect, it } from 'vitest';
import { clock, inboxKey, inboxOrder, isField, neighbour } from './voicemail-logic.js';

const vm = (id: string, createdAt: string, readAt: string | null = null) => ({ id, createdAt, readAt });

describe('inbox order', () => {
  it('lists unread first, then newest first, and leaves its input alone', () => {
    const list = [vm('old-read', '2026-01-01T10:00:00Z', '2026-01-02T00:00:00Z'), vm('old-unread', '2026-01-01T09:00:00Z'),
      vm('new-read', '2026-01-03T10:00:00Z', '2026-01-03T11:00:00Z'), vm('new-unread', '2026-01-03T09:00:00Z')];
    expect(inboxOrder(list).map((v) => v.id)).toEqual(['new-unread', 'old-unread', 'new-read', 'old-read']);
    expect(list[0]!.id).toBe('old-read');
  });
  it('breaks ties by id, so two loads show the same order', () => {
    const t = '2026-01-01T10:00:00Z';
    expect(inboxOrder([vm('b', t), vm('a', t)]).map((v) => v.id)).toEqual(['a', 'b']);
  });
});

describe('J/K neighbours', () => {
  const ids = ['a', 'b', 'c'];
  it('moves one step and stops at the ends', () => {
    expect(neighbour(ids, 'a', 1)).toBe('b');
    expect(neighbour(ids, 'c', 1)).toBe('c');
    expect(neighbour(ids, 'b', -1)).toBe('a');
    expect(neighbour(ids, 'a', -1)).toBe('a');
  });
  it('starts at the first when nothing (or something gone) is selected; nothing in an empty list', () => {
    expect(neighbour(ids, undefined, 1)).toBe('a');
    expect(neighbour(ids, 'deleted', -1)).toBe('a');
    expect(neighbour([], 'a', 1)).toBeUndefined();
  });
});

describe('the keyboard map', () => {
  it('maps the documented keys', () => {
    expect([' ', 'ArrowLeft', 'ArrowRight', 'j', 'K', 'u', '!', 'Delete', 'Backspace'].map((key) => inboxKey({ key })))
      .toEqual(['toggle', 'back', 'forward', 'next', 'previous', 'unread', 'urgent', 'delete', 'delete']);
    expect(inboxKey({ key: 'z', ctrlKey: true })).toBe('undo');
    expect(inboxKey({ key: 'z', metaKey: true })).toBe('undo');
  });
  it('leaves typing in fields, browser shortcuts and other keys alone', () => {
    expect(inboxKey({ key: 'j', inField: true })).toBeUndefined();
    expect(inboxKey({ key: ' ', inField: true })).toBeUndefined();
    expect(inboxKey({ key: 'ArrowLeft', altKey: true })).toBeUndefined(); // browser back
    expect(inboxKey({ key: 'u', ctrlKey: true })).toBeUndefined(); // view source
    expect(inboxKey({ key: 'z', ctrlKey: true, shiftKey: true })).toBeUndefined();
    expect(inboxKey({ key: 'x' })).toBeUndefined();
  });
  it('knows which targets take typing', () => {
    expect(isField({ tagName: 'INPUT', type: 'text' } as unknown as EventTarget)).toBe(true);
    expect(isField({ tagName: 'INPUT', type: 'checkbox' } as unknown as EventTarget)).toBe(false);
    expect(isField({ tagName: 'TEXTAREA' } as unknown as EventTarget)).toBe(true);
    expect(isField({ tagName: 'SELECT' } as unknown as EventTarget)).toBe(true);
    expect(isField({ tagName: 'DIV', isContentEditable: true } as unknown as EventTarget)).toBe(true);
    expect(isField({ tagName: 'A' } as unknown as EventTarget)).toBe(false);
    expect(isField(null)).toBe(false);
  });
});

describe('clock', () => {
  it('formats seconds as m:ss', () => {
    expect([0, 5, 75, 600, null].map(clock)).toEqual(['0:00', '0:05', '1:15', '10:00', '0:00']);
  });
});
