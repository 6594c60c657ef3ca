/**
 * A bounded FIFO with O(1) push and shift. Past `capacity` the oldest item is dropped and
 * returned, so memory stays bounded however long the server is away.
 */
export class BoundedQueue<T> {
  private items: Array<T | undefined> = [];
  private head = 0;

  constructor(private readonly capacity: number) {}

  /** Items waiting. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** Appends an item; returns the item dropped to make room, if any. */
  push(item: T): T | undefined {
    this.items.push(item);
    return this.size > this.capacity ? this.shift() : undefined;
  }

  /** The item at `index` from the head (0 = the oldest), without removing it. */
  at(index: number): T | undefined {
    return index < this.size ? this.items[this.head + index] : undefined;
  }

  /** Removes the first item. */
  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}
