/** Jest runs the TypeScript sources as ES modules, transformed by @swc/jest. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // One suite at a time: the end-to-end suites share each engine's image store, and
  // Podman 4.3 fails a build ("layer not known") or a listing ("image not known") when
  // another suite removes an image meanwhile.
  maxWorkers: 1,
  // Many tests start real processes; these machines are shared and noisy.
  testTimeout: 60_000,
};
