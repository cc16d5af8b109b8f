/**
 * Deadlines for the DNS client: one node timer for every question in flight instead of two
 * setTimeouts per question (arming and clearing node timers was a visible share of the
 * per-question cost on a fast network). Deadlines with the same delay expire in the order
 * they were set, so each delay keeps a FIFO; cancelling marks the entry and the sweep skips it.
 * The timer is ref'd only while a live deadline exists, as per-question timers were, so a
 * finished run exits at once.
 */

export interface Deadline {
  cancel(): void;
}

class Entry implements Deadline {
  done = false;
  constructor(readonly at: number, public fire: (() => void) | undefined, readonly lane: Lane) {}
  cancel(): void {
    if (this.done) return;
    this.done = true;
    // Drop the callback and every cancelled entry at the head of its lane now: the callbacks
    // hold their question's state, which must not live on until the next sweep.
    this.fire = undefined;
    const lane = this.lane;
    while (lane.head < lane.items.length && lane.items[lane.head]!.done) lane.items[lane.head++] = undefined;
    compact(lane);
    if (--live === 0) disarm();
  }
}

/** Per delay: entries in deadline order (`head` is the first not yet swept). */
interface Lane {
  items: (Entry | undefined)[];
  head: number;
}

function compact(lane: Lane): void {
  if (lane.head === lane.items.length) {
    lane.items = [];
    lane.head = 0;
  } else if (lane.head > 1024 && lane.head * 2 > lane.items.length) {
    lane.items = lane.items.slice(lane.head);
    lane.head = 0;
  }
}

const lanes = new Map<number, Lane>();
let live = 0;
let timer: NodeJS.Timeout | undefined;
let timerAt = Infinity;

/** Calls `fire` after `ms` (not before), unless cancelled first. */
export function deadline(ms: number, fire: () => void): Deadline {
  const delay = Math.max(1, Math.floor(ms));
  let lane = lanes.get(delay);
  if (!lane) lanes.set(delay, (lane = { items: [], head: 0 }));
  const e = new Entry(performance.now() + delay, fire, lane);
  lane.items.push(e);
  live++;
  if (e.at < timerAt) arm(e.at);
  return e;
}

function arm(at: number): void {
  if (timer) clearTimeout(timer);
  timerAt = at;
  timer = setTimeout(sweep, Math.max(1, Math.ceil(at - performance.now())));
}

function disarm(): void {
  if (timer) clearTimeout(timer);
  timer = undefined;
  timerAt = Infinity;
  lanes.clear();
}

function sweep(): void {
  timer = undefined;
  timerAt = Infinity;
  const now = performance.now();
  const due: Entry[] = [];
  let next = Infinity;
  for (const [delay, lane] of lanes) {
    const { items } = lane;
    while (lane.head < items.length && (items[lane.head]!.done || items[lane.head]!.at <= now)) {
      const e = items[lane.head]!;
      items[lane.head++] = undefined;
      if (!e.done) due.push(e);
    }
    compact(lane);
    if (lane.items.length === 0) lanes.delete(delay);
    else next = Math.min(next, lane.items[lane.head]!.at);
  }
  // Fired callbacks may set or cancel deadlines; arm first so they see a consistent state.
  if (next < Infinity) arm(next);
  for (const e of due) {
    if (e.done) continue;
    const fire = e.fire!;
    e.done = true;
    e.fire = undefined;
    live--;
    fire();
  }
  if (live === 0) disarm();
}
