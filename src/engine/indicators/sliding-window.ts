/**
 * A fixed-capacity sliding window that keeps one running aggregate (sum, max, min, ...), as an
 * immutable value. It is the classic "two stacks" queue built from shared cons lists: pushing is O(1),
 * evicting is amortised O(1) (the back stack is reversed into the front once per `capacity` pushes),
 * and because nothing is ever mutated, an old state stays valid after newer ones were derived from it.
 * That is what lets strategies stay pure folds without copying their windows on every bar.
 */

export interface Monoid<T> {
  readonly empty: T;
  /** Associative; `a` holds older values than `b`. */
  combine(a: T, b: T): T;
}

interface Node<T> {
  readonly value: T;
  /** Front stack: aggregate of this value and all newer ones in the front. Back stack: of this value and all older ones in the back. */
  readonly agg: T;
  readonly next: Node<T> | null;
}

export interface WindowState<T> {
  readonly capacity: number;
  readonly size: number;
  /** Oldest value first. */
  readonly front: Node<T> | null;
  /** Newest value first. */
  readonly back: Node<T> | null;
}

export function assertPeriod(period: number, what: string): void {
  if (!Number.isInteger(period) || period < 1) {
    throw new RangeError(`${what} period must be an integer >= 1, got ${String(period)}`);
  }
}

export function emptyWindow<T>(capacity: number): WindowState<T> {
  assertPeriod(capacity, 'window');
  return { capacity, size: 0, front: null, back: null };
}

export function windowPush<T>(m: Monoid<T>, s: WindowState<T>, value: T): WindowState<T> {
  const back: Node<T> = { value, agg: m.combine(s.back?.agg ?? m.empty, value), next: s.back };
  const pushed: WindowState<T> = { capacity: s.capacity, size: s.size + 1, front: s.front, back };
  return pushed.size > pushed.capacity ? evictOldest(m, pushed) : pushed;
}

export function windowAggregate<T>(m: Monoid<T>, s: WindowState<T>): T {
  return m.combine(s.front?.agg ?? m.empty, s.back?.agg ?? m.empty);
}

export function isWindowFull<T>(s: WindowState<T>): boolean {
  return s.size === s.capacity;
}

function evictOldest<T>(m: Monoid<T>, s: WindowState<T>): WindowState<T> {
  let front: Node<T> | null = s.front;
  let back: Node<T> | null = s.back;
  if (s.front === null) {
    // Walking the back stack newest -> oldest and pushing each value leaves the oldest on top.
    for (let node = back; node !== null; node = node.next) {
      front = { value: node.value, agg: m.combine(node.value, front?.agg ?? m.empty), next: front };
    }
    back = null;
  }
  return { capacity: s.capacity, size: s.size - 1, front: front?.next ?? null, back };
}
