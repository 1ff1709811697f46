// Room boundaries of STYLE.md §2: a room imports only what its row allows; pure rooms import no node:* or I/O library.
const pure = '^src/(core|policy|guard|providers)/';
module.exports = {
  forbidden: [
    { name: 'core-imports-nothing', severity: 'error', from: { path: '^src/core/' }, to: { path: '^src/(?!core/)' } },
    { name: 'pure-rooms-no-io', severity: 'error', from: { path: pure, pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core', 'npm'], pathNot: '(^|/)node_modules/zod/|^zod$' } },
    { name: 'policy-imports-core-only', severity: 'error', from: { path: '^src/policy/' }, to: { path: '^src/(?!core/|policy/)' } },
    { name: 'guard-imports-core-only', severity: 'error', from: { path: '^src/guard/', pathNot: '\\.test\\.ts$' }, to: { path: '^src/(?!core/|guard/)' } },
    { name: 'providers-import-core-only', severity: 'error', from: { path: '^src/providers/', pathNot: '\\.test\\.ts$' }, to: { path: '^src/(?!core/|providers/)' } },
    // The audit drivers implement src/audit's backend contract, so they may read its types and row shapes.
    { name: 'store-no-upward', severity: 'error', from: { path: '^src/store/', pathNot: '^src/store/(sqlite|postgres)/audit-' }, to: { path: '^src/(?!core/|store/)' } },
    { name: 'audit-drivers-no-upward', severity: 'error', from: { path: '^src/store/(sqlite|postgres)/audit-' }, to: { path: '^src/(?!core/|store/|audit/)' } },
    { name: 'bus-imports-core-only', severity: 'error', from: { path: '^src/bus/' }, to: { path: '^src/(?!core/|bus/)' } },
    { name: 'gateway-no-drivers', severity: 'error', from: { path: '^src/gateway/' }, to: { path: '^src/(store/(sqlite|postgres)|bus/(redis|ipc)|cli)/' } },
    { name: 'nothing-imports-cli', severity: 'error', from: { path: '^src/(?!cli/)' }, to: { path: '^src/cli/' } },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
