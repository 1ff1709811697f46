// Entry of the audit writer thread when Warden runs from source (vitest, tsx): a worker thread does not inherit
// the parent's module hooks on Node 20, so it registers tsx itself (a dev dependency) before loading the TypeScript entry.
import { register } from 'tsx/esm/api';

register();
await import('./writer-thread.ts');
