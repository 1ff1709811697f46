#!/usr/bin/env -S node --max-semi-space-size=8
// Entry point of the `warden` command: runs the compiled CLI (built by `npm ci` through `prepare`).
import('../dist/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
    console.error('warden: not built yet. Run `npm ci` (or `npm run build`) first.');
  } else {
    console.error('warden:', err && err.message ? err.message : err);
  }
  process.exit(1);
});
