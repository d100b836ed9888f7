/** `rockts ps` as text (container-lifecycle.ts): each container and the image, current or stale. */
import { describeStatus, type ProjectStatus } from '../src/container/container-lifecycle.js';

test('each container and the image say whether they are from the current composition', () => {
  const status: ProjectStatus = {
    config: '/p/rockerc.yaml',
    composition: 'sha256:new',
    containers: [
      { name: 'rockts-p', status: 'running', image: 'p-dev', composition: 'sha256:new', current: true },
      { name: 'rockts-old', status: 'exited', image: 'p-dev', composition: 'sha256:old', current: false },
    ],
    image: { tag: 'p-dev', id: 'sha256:abc', composition: 'sha256:old', current: false },
  };
  expect(describeStatus(status, () => 'rockerc.yaml')).toBe(
    [
      'rockerc.yaml: composition sha256:new',
      'container rockts-p: running, current',
      'container rockts-old: exited, stale (another composition)',
      'image p-dev (sha256:abc): stale (another composition)',
      '',
    ].join('\n'),
  );
});

test('nothing yet: says how to start a container and build the image', () => {
  expect(describeStatus({ config: 'rockerc.yaml', composition: 'sha256:x', containers: [], image: undefined }, (f) => f)).toBe(
    'rockerc.yaml: composition sha256:x\nno containers (`rockts run --keep` starts one)\nno image (`rockts build` builds it)\n',
  );
});
