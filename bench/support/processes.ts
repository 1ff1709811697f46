/** @module Child processes for benchmarks: start, wait until they answer, read their CPU time and memory from /proc, stop. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export type Service = { readonly name: string; readonly child: ChildProcess; readonly pid: number; stop(): Promise<void> };

export type SpawnOptions = {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
  /** Where stdout and stderr go; a file keeps the child's logging off the benchmark's terminal. */
  readonly logFile: string;
};

export function startService(o: SpawnOptions): Service {
  const child = spawn(o.command, [...o.args], {
    cwd: o.cwd, env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(o.logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  if (child.pid === undefined) throw new Error(`${o.name}: could not start ${o.command}`);
  const pid = child.pid;
  return {
    name: o.name, child, pid,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 8_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Resolves with the first line the child prints that parses as JSON (how the stub reports its port). */
export function firstJsonLine<T>(child: ChildProcess, timeoutMs = 15_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error('timed out waiting for the child to report')), timeoutMs);
    const onData = (c: Buffer): void => {
      buf += c.toString('utf8');
      for (const line of buf.split('\n')) {
        try {
          const v = JSON.parse(line) as T;
          clearTimeout(t);
          child.stdout?.off('data', onData);
          resolve(v);
          return;
        } catch {
          // Not the report line yet.
        }
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before reporting`)));
  });
}

/** Polls `url` until it answers 2xx. */
export async function waitHealthy(url: string, timeoutMs = 30_000, headers: Record<string, string> = {}): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    try {
      const r = await fetch(url, { headers });
      await r.arrayBuffer();
      if (r.ok) return;
      last = `HTTP ${r.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(100);
  }
  throw new Error(`${url} did not become healthy within ${timeoutMs} ms (${last})`);
}

/**
 * CPU time of one process in milliseconds, all threads (main, libuv pool, GC helpers): the sum of each
 * thread's on-CPU nanoseconds from /proc/PID/task/TID/schedstat, which is far finer than the 10 ms ticks of
 * /proc/PID/stat. Threads that already ended are not counted; Node's threads live as long as the process.
 */
export async function cpuMs(pid: number): Promise<number> {
  let tids: string[];
  try {
    tids = await readdir(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  let ns = 0;
  for (const tid of tids) {
    try {
      const s = await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8');
      ns += Number(s.split(' ')[0] ?? '0');
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return ns / 1e6;
}

/** CPU time from /proc/PID/stat (utime + stime, clock ticks): coarse, kept as a cross-check of `cpuMs`. */
export async function cpuMsFromStat(pid: number, ticksPerSecond = 100): Promise<number> {
  const s = await readFile(`/proc/${pid}/stat`, 'utf8');
  const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / ticksPerSecond;
}

/** Resident set size in bytes (VmRSS). */
export async function rssBytes(pid: number): Promise<number> {
  const s = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(s);
  return m ? Number(m[1]) * 1024 : 0;
}

/** Direct children of a process (the worker processes of a cluster primary). */
export async function childPids(pid: number): Promise<number[]> {
  const out: number[] = [];
  let tids: string[];
  try {
    tids = await readdir(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const s = await readFile(`/proc/${pid}/task/${tid}/children`, 'utf8');
      for (const p of s.trim().split(/\s+/)) if (p !== '') out.push(Number(p));
    } catch {
      // No children file for this thread.
    }
  }
  return out;
}
