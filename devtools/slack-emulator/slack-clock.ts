/**
 * The emulator's clock for what expires (trigger_ids, response_urls, Socket Mode tickets) and for rate
 * limits. It runs with real time; `advance` moves it ahead so a test can see an expiry without waiting.
 * Request signatures and payload timestamps use real time, as the app checks those against its own clock.
 */
export class Clock {
  #offsetMs = 0;

  now(): number {
    return Date.now() + this.#offsetMs;
  }

  advance(ms: number): void {
    this.#offsetMs += ms;
  }
}
