import { describe, expect, it } from 'vitest';
import { Lru } from './lru.js';

describe('Lru', () => {
  it('forgets the least recently used entry past the count bound; a read makes an entry recent', () => {
    const c = new Lru<string, number>(2);
    c.set('a', 1); c.set('b', 2);
    expect(c.get('a')).toBe(1); // now b is the oldest
    c.set('c', 3);
    expect([c.get('a'), c.get('b'), c.get('c'), c.size]).toEqual([1, undefined, 3, 2]);
  });

  it('forgets the oldest entries past the weight bound, but keeps one entry heavier than the bound alone', () => {
    const c = new Lru<string, string>(100, 10);
    c.set('a', 'a', 4); c.set('b', 'b', 4); c.set('c', 'c', 4);
    expect([c.get('a'), c.size, c.weight]).toEqual([undefined, 2, 8]);
    c.set('huge', 'h', 50);
    expect([c.get('huge'), c.size, c.weight]).toEqual(['h', 1, 50]);
  });

  it('replacing a key counts its weight once; delete and clear give the weight back', () => {
    const c = new Lru<string, number>(10, 100);
    c.set('a', 1, 30); c.set('a', 2, 40);
    expect([c.get('a'), c.size, c.weight]).toEqual([2, 1, 40]);
    c.set('b', 3, 5); c.delete('a');
    expect([c.size, c.weight]).toEqual([1, 5]);
    c.clear();
    expect([c.size, c.weight, c.get('b')]).toEqual([0, 0, undefined]);
  });
});
