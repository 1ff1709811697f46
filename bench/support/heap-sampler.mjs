// Preloaded into Warden by BENCH_ALLOC=1 (`node --import`): on SIGUSR2 starts V8's sampling heap profiler, counting
// objects the GC has already collected too (what a request allocates, not what survives it); on the next SIGUSR2
// writes the profile to $WARDEN_HEAP_SAMPLE_OUT. A diagnostic for the benchmark only; nothing in src/ loads it.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const session = new Session();
session.connect();
const post = (method, params = {}) => new Promise((ok, fail) => session.post(method, params, (e, r) => (e ? fail(e) : ok(r))));
let sampling = false;
process.on('SIGUSR2', () => {
  const step = sampling
    ? post('HeapProfiler.stopSampling').then(({ profile }) => writeFileSync(process.env.WARDEN_HEAP_SAMPLE_OUT ?? `heap-${process.pid}.json`, JSON.stringify(profile)))
    : post('HeapProfiler.enable').then(() => post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }));
  sampling = !sampling;
  step.catch((e) => process.stderr.write(`heap-sampler: ${e instanceof Error ? e.message : String(e)}\n`));
});
