/**
 * @module Memory settings of gateway processes. A gateway allocates ~30 KB of short-lived objects per request and
 * holds ~22 MB of live ones. With V8's defaults (16 MB semi-spaces, and old space allowed to fill with promoted garbage
 * up to 90+ MB before a full GC) one process sat at 117–165 MB resident after 100k requests. 8 MB semi-spaces and a
 * 1.2 old-space growth factor keep it at ~110–120 MB, for more frequent (cheap) collections.
 */
import v8 from 'node:v8';

/**
 * Node flags a gateway process starts with. The semi-space size is fixed when the heap is set up, so it cannot be set
 * from inside: `npm start` and the `warden` shebang pass it (a test keeps them equal to this list) and the primary
 * passes it to the workers it forks.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];

/** The old-space growth factor is read at every full GC, so it can be set at run time. */
export function tuneHeap(): void {
  v8.setFlagsFromString('--heap-growing-percent=20');
}

/** The node flags for a forked worker: the parent's own, plus the gateway's unless the parent set the same flag. */
export function workerExecArgv(parent: readonly string[]): string[] {
  const name = (f: string): string => f.split('=')[0] ?? f;
  const given = new Set(parent.map(name));
  return [...parent, ...GATEWAY_NODE_FLAGS.filter((f) => !given.has(name(f)))];
}
