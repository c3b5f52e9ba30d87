import { isIPv4, isIPv6 } from "node:net";

/** How to answer a request whose key did not authenticate. */
export type ThrottleVerdict = { blocked: false } | { blocked: true; retryAfterSeconds: number };

/**
 * Counts failed authentications per client address group (throttleGroup);
 * shared or per process. Only failures are counted and only failures are ever
 * refused: a request whose key authenticates never asks the throttle (SPEC §4).
 */
export interface FailureThrottle {
  /** Counts one failure; blocked once the group's failures in this window exceed the budget. */
  recordFailure(group: string): Promise<ThrottleVerdict>;
  close(): Promise<void>;
}

/** The eight 16-bit groups of an IPv6 address (zone id dropped), or undefined. */
function ipv6Groups(address: string): number[] | undefined {
  const text = address.split("%")[0] ?? "";
  if (!isIPv6(text)) return undefined;
  // An embedded IPv4 tail (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) is two groups.
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  const hex = tail
    ? text.slice(0, tail.index) +
      [((Number(tail[1]) << 8) | Number(tail[2])).toString(16), ((Number(tail[3]) << 8) | Number(tail[4])).toString(16)].join(":")
    : text;
  const [head = "", rest] = hex.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = rest === undefined || rest === "" ? [] : rest.split(":");
  const zeros = rest === undefined ? [] : new Array<string>(8 - left.length - right.length).fill("0");
  const groups = [...left, ...zeros, ...right].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/**
 * The throttle's unit for a client address (SPEC §4): an IPv4 address is
 * itself; an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) is that IPv4 address;
 * any other IPv6 address is its /64, the smallest block a site is given, so a
 * client rotating addresses inside its prefix still spends one budget.
 */
export function throttleGroup(address: string): string {
  if (isIPv4(address)) return address;
  const groups = ipv6Groups(address);
  if (!groups) return address;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join(".");
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(":")}::/64`;
}

interface Window {
  startedAt: number;
  failures: number;
}

/** Bounds memory under a flood of distinct addresses; the oldest windows go first. */
const MAX_TRACKED_ADDRESSES = 100_000;

/**
 * A fixed-window failure counter held in this process. Once a group has failed
 * more than `limit` times within `windowSeconds`, its further failures are
 * refused (429) for the rest of the window.
 */
export class MemoryFailureThrottle implements FailureThrottle {
  readonly #windows = new Map<string, Window>();

  constructor(
    private readonly limit: number,
    private readonly windowSeconds: number,
    private readonly now: () => number,
  ) {}

  async recordFailure(group: string): Promise<ThrottleVerdict> {
    const now = this.now();
    const windowMs = this.windowSeconds * 1000;
    let window = this.#windows.get(group);
    if (!window || now - window.startedAt >= windowMs) {
      this.#windows.delete(group);
      window = { startedAt: now, failures: 0 };
      if (this.#windows.size >= MAX_TRACKED_ADDRESSES) {
        const oldest = this.#windows.keys().next();
        if (!oldest.done) this.#windows.delete(oldest.value);
      }
      this.#windows.set(group, window);
    }
    window.failures += 1;
    if (window.failures <= this.limit) return { blocked: false };
    return { blocked: true, retryAfterSeconds: Math.max(1, Math.ceil((window.startedAt + windowMs - now) / 1000)) };
  }

  async close(): Promise<void> {
    this.#windows.clear();
  }
}
