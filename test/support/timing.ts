import { Agent } from "node:http";

/** Between a real gap (0.14 and more) and a busy two-core machine's noise (about 0.07). */
export const MAX_GAP = 0.1;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export interface TimingGaps {
  /** The baseline cause's median time, in µs. */
  base: number;
  /** Each cause's median gap to the baseline in the same round, as a fraction of `base`. */
  relative: Record<string, number>;
  /** The mean of the other causes' relative gaps, which a machine's noise scatters around zero. */
  meanGap: number;
}

/**
 * Times one request per cause per round over one keep-alive socket. Per round,
 * each cause's time less the baseline's time in the same round: pairing cancels
 * the drift of a shared machine's load. A new order every round, so no cause
 * always follows another; the first rounds warm caches up and are not counted.
 * `send` makes the request and checks its answer.
 */
export async function pairedGaps<N extends string>(
  names: readonly N[],
  baseline: N,
  send: (name: N, agent: Agent) => Promise<void>,
  rounds = { warmUp: 100, sample: 400 },
): Promise<TimingGaps> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const gaps: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const baseTimes: number[] = [];
  try {
    for (let round = 0; round < rounds.warmUp + rounds.sample; round++) {
      const order = [...names].sort(() => Math.random() - 0.5);
      const took: Record<string, number> = {};
      for (const name of order) {
        const started = process.hrtime.bigint();
        await send(name, agent);
        took[name] = Number(process.hrtime.bigint() - started) / 1000;
      }
      if (round < rounds.warmUp) continue;
      baseTimes.push(took[baseline] ?? 0);
      for (const name of names) gaps[name]?.push((took[name] ?? 0) - (took[baseline] ?? 0));
    }
  } finally {
    agent.destroy();
  }
  const base = median(baseTimes);
  const relative = Object.fromEntries(names.map((n) => [n, Math.round((median(gaps[n] ?? []) / base) * 1000) / 1000]));
  const refused = names.filter((n) => n !== baseline).map((n) => relative[n] ?? 0);
  const meanGap = Math.round((refused.reduce((sum, g) => sum + g, 0) / refused.length) * 1000) / 1000;
  return { base, relative, meanGap };
}
