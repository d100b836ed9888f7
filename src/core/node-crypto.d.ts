// The core's only Node.js import: a pure hash. Declared here instead of pulling in
// @types/node, so nothing else from Node can be imported by src/core.
declare module 'node:crypto' {
  interface Hash {
    update(data: string): Hash;
    digest(encoding: 'hex'): string;
  }
  export function createHash(algorithm: 'sha256'): Hash;
}
