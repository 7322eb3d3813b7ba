/**
 * The local stack's simulated clock. Installed, it makes `Date` in this process (`new Date()`,
 * `Date.now()`) read the simulated time, so everything here sees it: the handlers (a key's age, a
 * certificate's days left, a signed URL's expiry), the simulator (its creation dates and its own
 * clock), the SDK's request signing. Timers (`setTimeout`) keep real time. Uninstall restores
 * the real `Date`.
 */
const RealDate = Date;

export class SimulatedClock {
  private offsetMs = 0;
  private installed = false;

  /** Starts the clock at `start` (default: now, to the minute). */
  install(start: Date = new RealDate(Math.floor(RealDate.now() / 60_000) * 60_000)): this {
    if (this.installed) throw new Error('the simulated clock is already installed');
    this.offsetMs = start.getTime() - RealDate.now();
    const clock = this;
    class ClockDate extends RealDate {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(RealDate.now() + clock.offsetMs);
        else super(...(args as [string | number | Date]));
      }
      static override now(): number {
        return RealDate.now() + clock.offsetMs;
      }
    }
    globalThis.Date = ClockDate as DateConstructor;
    this.installed = true;
    return this;
  }

  now(): Date {
    return new RealDate(RealDate.now() + this.offsetMs);
  }

  /** Moves the clock to `to` (never backwards: a stack's time only goes on). */
  set(to: Date): void {
    const target = to.getTime() - RealDate.now();
    if (target > this.offsetMs) this.offsetMs = target;
  }

  advance(ms: number): void {
    if (ms > 0) this.offsetMs += ms;
  }

  uninstall(): void {
    if (!this.installed) return;
    globalThis.Date = RealDate;
    this.installed = false;
  }
}
