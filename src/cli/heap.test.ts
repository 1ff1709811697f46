import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GATEWAY_NODE_FLAGS, workerExecArgv } from './heap.js';

const root = new URL('../../', import.meta.url);

describe('gateway node flags', () => {
  it('npm start passes them', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: { start: string } };
    expect(pkg.scripts.start).toBe(`node ${GATEWAY_NODE_FLAGS.join(' ')} bin/warden.js start`);
  });

  it('the warden command passes them (its shebang)', () => {
    const first = readFileSync(new URL('bin/warden.js', root), 'utf8').split('\n')[0];
    expect(first).toBe(`#!/usr/bin/env -S node ${GATEWAY_NODE_FLAGS.join(' ')}`);
  });

  it('forked workers get them, after the parent flags, unless the parent set the same flag', () => {
    expect(workerExecArgv([])).toEqual([...GATEWAY_NODE_FLAGS]);
    expect(workerExecArgv(['--enable-source-maps'])).toEqual(['--enable-source-maps', ...GATEWAY_NODE_FLAGS]);
    expect(workerExecArgv(['--max-semi-space-size=16'])).toEqual(['--max-semi-space-size=16']);
  });
});
