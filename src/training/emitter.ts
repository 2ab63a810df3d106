/** A minimal typed event emitter that runs in browsers and Node alike. */
export class Emitter<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof Events, Array<(e: never) => void>>();

  on<K extends keyof Events>(name: K, fn: (e: Events[K]) => void): this {
    const list = this.listeners.get(name) ?? [];
    list.push(fn as (e: never) => void);
    this.listeners.set(name, list);
    return this;
  }

  off<K extends keyof Events>(name: K, fn: (e: Events[K]) => void): this {
    const list = this.listeners.get(name);
    if (list) this.listeners.set(name, list.filter((f) => f !== (fn as (e: never) => void)));
    return this;
  }

  protected emit<K extends keyof Events>(name: K, event: Events[K]): void {
    for (const fn of this.listeners.get(name) ?? []) (fn as (e: Events[K]) => void)(event);
  }
}
