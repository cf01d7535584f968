// A form kept as a draft on every change, so a killed app reopens it as it was.

export interface DraftStore {
  save(form: string, text: string): Promise<void>;
  load(form: string): Promise<string | null>;
  clear(form: string): Promise<void>;
}

export class Draft<T extends Record<string, string>> {
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: DraftStore,
    private readonly form: string,
    public values: T,
  ) {}

  /** The kept draft over the defaults (fields the draft lacks keep their default). */
  async restore(): Promise<T> {
    const text = await this.store.load(this.form);
    if (text) {
      try {
        const kept = JSON.parse(text) as Partial<T>;
        for (const key of Object.keys(this.values) as (keyof T)[]) {
          const v = kept[key];
          if (typeof v === "string") this.values[key] = v as T[keyof T];
        }
      } catch {
        // A draft that does not parse is dropped rather than blocking the form.
      }
    }
    return this.values;
  }

  /** Records one field's change and keeps the whole form; saves run one after another. */
  set(field: keyof T, value: string): Promise<void> {
    this.values[field] = value as T[keyof T];
    const text = JSON.stringify(this.values);
    this.pending = this.pending.then(() => this.store.save(this.form, text)).catch(() => {});
    return this.pending;
  }

  async done(): Promise<void> {
    await this.pending;
    await this.store.clear(this.form);
  }
}
