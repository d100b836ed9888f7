import { buildFailure, describeFailureSite, locateFailure } from '../../src/docker/attribute-failure.js';

const dockerfile = [
  '# header',
  'FROM ubuntu:22.04 AS rockts-builder-base',
  'RUN apt-get install gcc',
  'FROM rockts-builder-base AS rockts-builder-hello',
  'RUN gcc hello.c',
  'FROM ubuntu:24.04 AS rockts-final',
  'RUN apt-get install less',
  '# links: setup',
  'RUN ln -s a b',
];
const owners = [undefined, undefined, undefined, 'hello', 'hello', undefined, undefined, 'links', 'links'];

test('a failing final-stage line is attributed through the line map', () => {
  const log = [
    '#9 [rockts-final 3/3] RUN ln -s a b',
    '#9 ERROR: process "/bin/sh -c ln -s a b" did not complete successfully: exit code: 1',
    '------',
    'Dockerfile:9',
    '--------------------',
    '   9 | >>> RUN ln -s a b',
    'ERROR: failed to solve: process "/bin/sh -c ln -s a b" did not complete successfully: exit code: 1',
  ].join('\n');
  const site = locateFailure(log, owners, dockerfile);
  expect(site).toEqual({ line: 9, extension: 'links', stage: 'rockts-final' });
  expect(describeFailureSite(site)).toBe("in the lines of extension 'links' (Dockerfile:9, stage rockts-final)");
});

test('a builder step is attributed by its stage name when no line is given', () => {
  const site = locateFailure(' > [rockts-builder-hello 2/2] RUN gcc hello.c:\n', owners, dockerfile);
  expect(site.extension).toBe('hello');
});

test("Docker 20.10's step of a one-stage Dockerfile names no stage; the step is found in that stage", () => {
  const single = ['# header', 'FROM debian:bookworm AS rockts-final', '# links: setup', 'RUN mkdir /x \\', '    && ln -s a b'];
  const singleOwners = [undefined, undefined, 'links', 'links', 'links'];
  const log = ['#5 [2/2] RUN mkdir /x     && ln -s a b', '#5 ERROR: executor failed running', '------', ' > [2/2] RUN mkdir /x     && ln -s a b:', '------'].join('\n');
  expect(locateFailure(log, singleOwners, single)).toEqual({ line: 4, extension: 'links', stage: 'rockts-final' });
});

test("the composer's own lines are named as such", () => {
  expect(describeFailureSite(locateFailure('Dockerfile:3\n', owners, dockerfile))).toBe(
    "in the shared builder base's apt install (Dockerfile:3, stage rockts-builder-base) (check builder.apt in rockerc.yaml and the builder base image)",
  );
  expect(describeFailureSite(locateFailure('Dockerfile:7\n', owners, dockerfile))).toMatch(/^in the final stage's own lines \(Dockerfile:7, stage rockts-final\)/);
});

test('older BuildKit prints no Dockerfile:N; the failing step is found in its stage', () => {
  const log = ' > [rockts-builder-hello 1/1] RUN gcc hello.c:\nERROR: failed to solve: executor failed running [/bin/sh -c gcc hello.c]: exit code: 1\n';
  expect(locateFailure(log, owners, dockerfile)).toEqual({ line: 5, extension: 'hello', stage: 'rockts-builder-hello' });
});

test("Podman's failing STEP is placed in the stage of the FROM step before it", () => {
  const log = [
    '[1/3] STEP 1/2: FROM ubuntu:22.04 AS rockts-builder-base',
    '[2/3] STEP 1/2: FROM 3c7ced33c22b AS rockts-builder-hello',
    '[2/3] STEP 2/2: RUN gcc hello.c',
    'Error: building at STEP "RUN gcc hello.c": while running runtime: exit status 1',
  ].join('\n');
  expect(locateFailure(log, owners, dockerfile)).toEqual({ line: 5, extension: 'hello', stage: 'rockts-builder-hello' });
});

test("Podman's interleaved stages are told apart by their [i/n] prefix", () => {
  const log = [
    '[1/3] STEP 1/2: FROM ubuntu:22.04 AS rockts-builder-base',
    '[3/3] STEP 1/2: FROM ubuntu:24.04 AS rockts-final',
    '[2/3] STEP 1/2: FROM 3c7ced33c22b AS rockts-builder-hello',
    '[3/3] STEP 2/2: RUN apt-get install less',
    '[2/3] STEP 2/2: RUN gcc hello.c',
    'Error: building at STEP "RUN gcc hello.c": while running runtime: exit status 1',
  ].join('\n');
  expect(locateFailure(log, owners, dockerfile)).toMatchObject({ extension: 'hello', stage: 'rockts-builder-hello' });
});

test("an extension whose name starts with 'base' is not taken for the shared builder base", () => {
  const lines = ['FROM ubuntu:22.04 AS rockts-builder-base', 'FROM rockts-builder-base AS rockts-builder-basement', 'RUN make'];
  const site = locateFailure(' > [rockts-builder-basement 2/2] RUN make:\n', [undefined, undefined, undefined], lines);
  expect(site.extension).toBe('basement');
  expect(describeFailureSite(site)).toMatch(/^in the lines of extension 'basement'/);
});

test('a failure in a joined glue RUN names the extension of the last section marker its step printed', () => {
  const joined = [
    '# header',
    'FROM ubuntu:24.04 AS rockts-final',
    "RUN <<'ROCKTS_GLUE'",
    "echo '### rockts: links setup'",
    '(',
    'ln -s a b',
    ')',
    'case $? in 0) ;; *) exit $? ;; esac',
    "echo '### rockts: tz setup'",
    '(',
    'false',
    ')',
    'case $? in 0) ;; *) exit $? ;; esac',
    'ROCKTS_GLUE',
  ];
  const joinedOwners = [undefined, undefined, undefined, 'links', 'links', 'links', 'links', 'links', 'tz', 'tz', 'tz', 'tz', 'tz', undefined];
  const log = [
    '#6 [rockts-final 2/3] RUN <<ROCKTS_GLUE (echo \'### rockts: links setup\'...)',
    '#6 0.101 ### rockts: links setup',
    '#6 0.104 ### rockts: tz setup',
    '#7 [rockts-builder-x 2/2] RUN echo "### rockts: other setup"',
    '#7 0.2 ### rockts: other setup',
    '#6 ERROR: process "/bin/sh -c echo \'### rockts: links setup\'..." did not complete successfully: exit code: 1',
    '------',
    ' > [rockts-final 2/3] RUN <<ROCKTS_GLUE (echo \'### rockts: links setup\'...):',
    '0.101 ### rockts: links setup',
    '0.104 ### rockts: tz setup',
    '------',
    'Dockerfile:3',
  ].join('\n');
  const site = locateFailure(log, joinedOwners, joined);
  expect(describeFailureSite(site)).toBe("in the lines of extension 'tz' (Dockerfile:3, stage rockts-final)");
  // The live display keeps no step numbers; BuildKit's summary of the failed step has the markers.
  expect(locateFailure(log.split('\n').slice(6).join('\n'), joinedOwners, joined).extension).toBe('tz');
  // BuildKit's reason quotes the whole script; the message does not.
  expect(buildFailure(`${log}\nERROR: failed to solve: process "/bin/sh -c echo '### rockts: links setup'\\n(\\nln -s \\"a\\" b\\n)" did not complete successfully: exit code: 1\n`, joinedOwners, joined.join('\n')).message).toBe(
    "the build failed in the lines of extension 'tz' (Dockerfile:3, stage rockts-final): failed to solve: the joined setup script did not complete successfully: exit code: 1",
  );
  // A marker of an extension that has no section in that RUN does not count.
  expect(locateFailure('#6 0.1 ### rockts: links setup\n#6 0.2 ### rockts: user setup\n#6 ERROR: x\nDockerfile:3\n', joinedOwners, joined).extension).toBe('links');
});
