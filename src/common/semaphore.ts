/** A counting semaphore: at most `slots` holders at once, waiters served in order. */
export class Semaphore {
  private readonly waiters: (() => void)[] = [];
  constructor(private slots: number) {}

  async acquire(): Promise<void> {
    if (this.slots > 0) {
      this.slots--;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.slots++;
  }
}
