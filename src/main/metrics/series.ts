/** One sample of a time series: when, and the value then. */
export interface Point {
  timestamp: number;
  value: number;
}

/**
 * A bounded in-memory time series: keeps the newest `capacity` points and drops the oldest,
 * so memory stays fixed however long the app runs. Not thread-safe (single JS thread).
 */
export class Series {
  private readonly points: Point[] = [];

  constructor(private readonly capacity: number) {}

  push(timestamp: number, value: number): void {
    this.points.push({ timestamp, value });
    // A ring buffer would avoid the shift, but at a few hundred points this is cheaper to read.
    if (this.points.length > this.capacity)
      this.points.splice(0, this.points.length - this.capacity);
  }

  /** Points with timestamp >= since, oldest first (copies). */
  since(since = 0): Point[] {
    return this.points.filter((p) => p.timestamp >= since).map((p) => ({ ...p }));
  }

  last(): Point | undefined {
    return this.points[this.points.length - 1];
  }

  get length(): number {
    return this.points.length;
  }
}
