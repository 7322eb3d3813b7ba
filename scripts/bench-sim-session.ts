/**
 * The benchmark's simulator: started in this process, the SDK pointed at it with dummy
 * credentials (as `npm start` does), and its admin API (call log, faults, state) at hand.
 */
import { startSimulator, type Simulator } from '../src/local/sim/server';
import type { CallRecord } from '../src/local/sim/state';
import { isolateFromRealAws } from '../src/local/offline-env';

/** A call in the simulator's log (`GET /_sim/calls`). */
export type SimCall = CallRecord;

export interface SimSession {
  url: string;
  admin<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Sequence number of the last call logged so far. */
  lastSeq(): Promise<number>;
  callsAfter(seq: number): Promise<SimCall[]>;
  close(): Promise<void>;
}

export async function startSimSession(): Promise<SimSession> {
  isolateFromRealAws('SILENT');
  const sim: Simulator = await startSimulator({ port: 0 });
  process.env.AWS_ENDPOINT_URL = sim.url;
  const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${sim.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`simulator admin ${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const calls = async () => (await admin<{ calls: SimCall[] }>('GET', '/_sim/calls')).calls;
  return {
    url: sim.url,
    admin,
    lastSeq: async () => Math.max(0, ...(await calls()).map((c) => c.seq)),
    callsAfter: async (seq) => (await calls()).filter((c) => c.seq > seq),
    close: () => sim.close(),
  };
}

