/**
 * A Map without V8's size limit: a single Map holds at most 2^24 (16,777,216) entries and then
 * throws "Map maximum size exceeded" — a 20,000,000-row sync would fail on its key index. This
 * spreads the entries over Maps of up to 2^23 each, keeping insertion order; with one Map (up to
 * 8,388,608 entries, the common case) every call is one Map call.
 */
const SHARD_ENTRIES = 2 ** 23;

export class LargeMap<K, V extends NonNullable<unknown>> {
  private readonly maps: Map<K, V>[] = [new Map()];
  private last: Map<K, V> = this.maps[0]!;

  /** `shardEntries`: tests make it small. */
  constructor(private readonly shardEntries = SHARD_ENTRIES) {}

  get size(): number {
    let size = 0;
    for (const map of this.maps) size += map.size;
    return size;
  }

  /** Values are never undefined, so a miss is undefined. */
  get(key: K): V | undefined {
    if (this.maps.length === 1) return this.last.get(key);
    for (const map of this.maps) {
      const value = map.get(key);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  has(key: K): boolean {
    if (this.maps.length === 1) return this.last.has(key);
    return this.maps.some((map) => map.has(key));
  }

  set(key: K, value: V): this {
    if (this.maps.length === 1 && this.last.size < this.shardEntries) {
      this.last.set(key, value);
      return this;
    }
    for (const map of this.maps) {
      if (map.has(key)) {
        map.set(key, value);
        return this;
      }
    }
    if (this.last.size >= this.shardEntries) {
      this.last = new Map();
      this.maps.push(this.last);
    }
    this.last.set(key, value);
    return this;
  }

  delete(key: K): boolean {
    for (const map of this.maps) if (map.delete(key)) return true;
    return false;
  }

  clear(): void {
    this.maps.length = 1;
    this.last = this.maps[0]!;
    this.last.clear();
  }

  *values(): IterableIterator<V> {
    for (const map of this.maps) yield* map.values();
  }

  *[Symbol.iterator](): IterableIterator<[K, V]> {
    for (const map of this.maps) yield* map;
  }
}
