// A log-linear latency histogram in integer microseconds with 3 significant digits, the layout of
// HdrHistogram: values below 2048 get a bucket each; above, every power of two is split into 1024 equal
// buckets, so a bucket is never wider than 1/1024 of its values (< 0.1% error). Recording is an index
// computation and an array increment; merging histograms (across workers, runs) is adding arrays.

/** Buckets per half power of two; 1024 gives 3 significant decimal digits. */
const SUB_BUCKET_HALF = 1024;
const SUB_BUCKET_BITS = 11; // 2 * SUB_BUCKET_HALF = 2^11 exact buckets at the bottom
/** The largest value kept exactly enough: 2^32 - 1 µs, about 71 minutes. Larger values are clamped. */
export const HISTOGRAM_MAX_VALUE = 0xffffffff;
export const HISTOGRAM_BUCKETS = (32 - SUB_BUCKET_BITS) * SUB_BUCKET_HALF + 2 * SUB_BUCKET_HALF;

export function bucketIndex(value: number): number {
  if (value < 2 * SUB_BUCKET_HALF) return value > 0 ? value | 0 : 0;
  const v = value > HISTOGRAM_MAX_VALUE ? HISTOGRAM_MAX_VALUE : value >>> 0;
  const shift = 31 - Math.clz32(v) - (SUB_BUCKET_BITS - 1);
  return shift * SUB_BUCKET_HALF + (v >>> shift);
}

/** The smallest value that lands in the bucket. */
export function bucketLow(index: number): number {
  if (index < 2 * SUB_BUCKET_HALF) return index;
  const shift = Math.floor(index / SUB_BUCKET_HALF) - 1;
  return (index - shift * SUB_BUCKET_HALF) * 2 ** shift;
}

/** The largest value that lands in the bucket. */
export function bucketHigh(index: number): number {
  if (index < 2 * SUB_BUCKET_HALF) return index;
  const shift = Math.floor(index / SUB_BUCKET_HALF) - 1;
  return bucketLow(index) + 2 ** shift - 1;
}

/** The histogram as stored in results: only the buckets that hold values, as [lowest value, count]. */
export interface HistogramData {
  unit: 'us';
  significant_digits: 3;
  count: number;
  min: number;
  max: number;
  sum: number;
  sum_squares: number;
  buckets: Array<[number, number]>;
}

export class Histogram {
  readonly counts: Float64Array;
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;
  sum = 0;
  sumSquares = 0;

  constructor(counts?: Float64Array) {
    this.counts = counts ?? new Float64Array(HISTOGRAM_BUCKETS);
  }

  /** Records one value in µs; the caller passes an integer (Math.round of the measurement). */
  record(value: number): void {
    this.counts[bucketIndex(value)]++;
    this.count++;
    this.sum += value;
    this.sumSquares += value * value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  add(other: Histogram): this {
    const a = this.counts;
    const b = other.counts;
    for (let i = 0; i < a.length; i++) if (b[i] !== 0) a[i] += b[i];
    this.count += other.count;
    this.sum += other.sum;
    this.sumSquares += other.sumSquares;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
    return this;
  }

  /** Adds counts given as flat [bucket index, count, ...] pairs (what workers post as progress). */
  addSparse(pairs: Float64Array): this {
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      const index = pairs[i];
      const count = pairs[i + 1];
      this.counts[index] += count;
      this.count += count;
      const low = bucketLow(index);
      const high = bucketHigh(index);
      this.sum += ((low + high) / 2) * count;
      if (low < this.min) this.min = low;
      if (high > this.max) this.max = high;
    }
    return this;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = 0;
    this.sum = 0;
    this.sumSquares = 0;
  }

  /**
   * The value at a percentile (0-100], as HdrHistogram reports it: the highest value equivalent to the
   * bucket holding the ceil(p% x count)-th value, kept within the exact min and max.
   */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    if (p >= 100) return this.max;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, bucketHigh(i)));
    }
    return this.max;
  }

  mean(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  stddev(): number {
    if (this.count === 0) return 0;
    const mean = this.sum / this.count;
    return Math.sqrt(Math.max(0, this.sumSquares / this.count - mean * mean));
  }

  /** Fraction of recorded values at or below `value` (0..1). */
  fractionAtOrBelow(value: number): number {
    if (this.count === 0) return 0;
    const last = bucketIndex(value);
    let seen = 0;
    for (let i = 0; i <= last; i++) seen += this.counts[i];
    return seen / this.count;
  }

  /** Calls `visit` for every bucket that holds values, lowest first. */
  forEachBucket(visit: (low: number, high: number, count: number) => void): void {
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++)
      if (counts[i] !== 0) visit(bucketLow(i), bucketHigh(i), counts[i]);
  }

  toJSON(): HistogramData {
    const buckets: Array<[number, number]> = [];
    this.forEachBucket((low, _high, count) => buckets.push([low, count]));
    return {
      unit: 'us',
      significant_digits: 3,
      count: this.count,
      min: this.count === 0 ? 0 : this.min,
      max: this.max,
      sum: this.sum,
      sum_squares: this.sumSquares,
      buckets,
    };
  }

  static fromJSON(data: HistogramData): Histogram {
    const h = new Histogram();
    for (const [low, count] of data.buckets) h.counts[bucketIndex(low)] += count;
    h.count = data.count;
    h.min = data.count === 0 ? Number.POSITIVE_INFINITY : data.min;
    h.max = data.max;
    h.sum = data.sum;
    h.sumSquares = data.sum_squares;
    return h;
  }

  /** The scalar part, for posting between threads next to the counts array. */
  scalars(): HistogramScalars {
    return { count: this.count, min: this.min, max: this.max, sum: this.sum, sumSquares: this.sumSquares };
  }

  static fromParts(counts: Float64Array, s: HistogramScalars): Histogram {
    const h = new Histogram(counts);
    h.count = s.count;
    h.min = s.min;
    h.max = s.max;
    h.sum = s.sum;
    h.sumSquares = s.sumSquares;
    return h;
  }
}

export interface HistogramScalars {
  count: number;
  min: number;
  max: number;
  sum: number;
  sumSquares: number;
}
