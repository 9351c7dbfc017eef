/**
 * A bounded cache that forgets the least recently used entry first, bounded
 * by a number of entries and by a total weight (an approximate size each
 * entry is given when it is stored). Pure: recency is the order of a Map,
 * not a clock, so the engine can keep one and stay deterministic.
 */
export class Lru<K, V> {
  private readonly entries = new Map<K, { value: V; weight: number }>();
  private total = 0;
  /** The key read or written last: a repeated hit on it (the common case) moves nothing. */
  private newest: K | undefined;

  /**
   * @param maxEntries at most this many entries are kept (at least one).
   * @param maxWeight the weights of the kept entries add up to at most this; one entry heavier
   *   than the bound on its own is still kept (alone), so the last thing stored is always there.
   */
  constructor(readonly maxEntries: number, readonly maxWeight = Infinity) {}

  /** The value under `key` (now the most recently used), or undefined. */
  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (key !== this.newest) {
      this.entries.delete(key);
      this.entries.set(key, e);
      this.newest = key;
    }
    return e.value;
  }

  /** Stores `value` as the most recently used, then forgets the oldest entries until both bounds hold. */
  set(key: K, value: V, weight = 1): void {
    this.delete(key);
    this.entries.set(key, { value, weight });
    this.total += weight;
    this.newest = key;
    while (this.entries.size > 1 && (this.entries.size > this.maxEntries || this.total > this.maxWeight)) {
      const [oldest, e] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      this.total -= e.weight;
    }
  }

  delete(key: K): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.total -= e.weight;
    if (key === this.newest) this.newest = undefined;
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
    this.newest = undefined;
  }

  /** How many entries are kept. */
  get size(): number { return this.entries.size; }
  /** The kept entries' weights added up. */
  get weight(): number { return this.total; }
}
