/** A bounded set that forgets its oldest members: memory of recent hashes without growth. */
export class RecentSet {
  private readonly items = new Set<string>();

  constructor(private readonly limit: number) {}

  add(item: string): void {
    this.items.delete(item);
    this.items.add(item);
    if (this.items.size > this.limit) this.items.delete(this.items.values().next().value!);
  }

  has(item: string): boolean {
    return this.items.has(item);
  }
}
