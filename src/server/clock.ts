/** Injectable clock: tests move time, production uses the wall clock. */
export interface Clock {
  now(): Date
}
export const systemClock: Clock = { now: () => new Date() }

export class ManualClock implements Clock {
  constructor(private t: Date) {}
  now(): Date {
    return new Date(this.t.getTime())
  }
  set(t: Date | string): void {
    this.t = new Date(t)
  }
  advance(ms: number): void {
    this.t = new Date(this.t.getTime() + ms)
  }
}
