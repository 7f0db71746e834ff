// Coalesces lookups made during one turn of the event loop into one call. Under load, many requests are
// read from their sockets in one turn; answering them with one query instead of one each saves a database
// round trip, a statement and a socket write per request. A lone request waits for nothing: the batch
// runs at setImmediate, right after the turn's I/O callbacks.

const MAX_BATCH = 256;

export class TurnBatch<K, V> {
  private pending: Array<{ key: K; resolve: (v: V | undefined) => void; reject: (e: unknown) => void }> = [];

  /**
   * @param load answers a batch: for each key, the value or undefined (the same order as the keys).
   */
  constructor(private readonly load: (keys: K[]) => Promise<Array<V | undefined>>) {}

  get(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ key, resolve, reject });
    });
  }

  private flush(): void {
    const all = this.pending;
    this.pending = [];
    for (let i = 0; i < all.length; i += MAX_BATCH) {
      const batch = all.slice(i, i + MAX_BATCH);
      this.load(batch.map((p) => p.key)).then(
        (values) => batch.forEach((p, j) => p.resolve(values[j])),
        (err: unknown) => batch.forEach((p) => p.reject(err)),
      );
    }
  }
}
