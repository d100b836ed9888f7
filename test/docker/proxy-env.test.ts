import { proxyRunArgs, proxyVariables } from '../../src/docker/proxy-env.js';

test('only proxy variables that are set and non-empty are passed, by name', () => {
  const env = { HTTPS_PROXY: 'http://user:secret@proxy.example:3128', no_proxy: 'localhost,.corp.example', HTTP_PROXY: '', PATH: '/usr/bin' };
  expect(proxyVariables(env)).toEqual(['HTTPS_PROXY', 'no_proxy']);
  expect(proxyRunArgs(env)).toEqual(['--env', 'HTTPS_PROXY', '--env', 'no_proxy']);
  expect(proxyRunArgs({})).toEqual([]);
});
