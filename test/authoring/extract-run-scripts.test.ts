/** The shell scripts `extension test --static` hands to shellcheck, and the Dockerfile it builds twice. */
import { extractRunScripts } from '../../src/authoring/extract-run-scripts.js';
import { twiceInTheChain } from '../../src/authoring/test-in-engine.js';

const lines = (...text: string[]) => text.join('\n');

test('a shell-form RUN: flags dropped, continuations kept, comment lines Docker drops left out', () => {
  const rendered = lines(
    '# a comment above',
    'RUN --mount=type=cache,target=/var/cache/x,id=x \\',
    '    --network=none \\',
    '    set -eu; \\',
    '    # a comment inside the instruction',
    '    echo $HOME \\',
    '    && true',
    'COPY a /b',
  );
  expect(extractRunScripts(rendered)).toEqual([
    {
      dialect: 'sh',
      lines: ['# shellcheck shell=sh', 'set -eu; \\', '    echo $HOME \\', '    && true'],
      origins: [4, 4, 6, 7],
    },
  ]);
});

test('a RUN heredoc is its own script, in the dialect of its shebang or of the shell that reads it', () => {
  const rendered = lines("RUN <<'EOF'", 'set -eu', 'echo hi', 'EOF', 'RUN <<EOF', '#!/usr/bin/env bash', 'echo ${a[@]}', 'EOF', 'RUN bash -e <<-EOT', '\techo tab', '\tEOT');
  expect(extractRunScripts(rendered)).toEqual([
    { dialect: 'sh', lines: ['# shellcheck shell=sh', 'set -eu', 'echo hi'], origins: [1, 2, 3] },
    { dialect: 'bash', lines: ['# shellcheck shell=bash', 'echo ${a[@]}'], origins: [5, 7] },
    { dialect: 'bash', lines: ['# shellcheck shell=bash', '\techo tab'], origins: [9, 10] },
  ]);
});

test('a heredoc fed to another command stays part of that command', () => {
  expect(extractRunScripts(lines('RUN cat - >> /etc/x <<EOF', 'set up', 'EOF'))).toEqual([
    { dialect: 'sh', lines: ['# shellcheck shell=sh', 'cat - >> /etc/x <<EOF', 'set up', 'EOF'], origins: [1, 1, 2, 3] },
  ]);
});

test('exec form, other interpreters and other instructions are skipped; their heredocs are not read as instructions', () => {
  const rendered = lines('RUN ["/bin/true"]', 'RUN <<EOF', '#!/usr/bin/python3', 'print(1)', 'EOF', 'COPY <<EOF /etc/motd', 'RUN not an instruction', 'EOF');
  expect(extractRunScripts(rendered)).toEqual([]);
});

test('`# shellcheck` directives right above a RUN apply to its script', () => {
  const rendered = lines('# shellcheck disable=SC2086', 'RUN echo $1', '', '# shellcheck disable=SC2046', '', 'RUN echo $(id -u)');
  expect(extractRunScripts(rendered).map((s) => s.lines)).toEqual([
    ['# shellcheck shell=sh', '# shellcheck disable=SC2086', 'echo $1'],
    ['# shellcheck shell=sh', 'echo $(id -u)'],
  ]);
});

test('the extension twice in the chain: the final stage starts FROM the first image, as root; owners follow the lines', () => {
  const dockerfile = lines('FROM base AS rockts-builder-x', 'RUN build', '', 'FROM ubuntu:24.04 AS rockts-final', 'RUN setup', 'USER dev', '');
  const owners = ['x', 'x', undefined, undefined, 'x', undefined, undefined];
  expect(twiceInTheChain(dockerfile, owners, 'rockts-test-x-default')).toEqual({
    dockerfile: lines('FROM base AS rockts-builder-x', 'RUN build', '', 'FROM rockts-test-x-default AS rockts-final', 'USER root', 'RUN setup', 'USER dev', ''),
    owners: ['x', 'x', undefined, undefined, undefined, 'x', undefined, undefined],
  });
});

test('a quoted "<<EOF" is text: the RUN after it is a script of its own, as BuildKit runs it', () => {
  expect(extractRunScripts(lines('RUN echo "<<EOF"', 'RUN echo $1', 'EOF')).map((s) => s.lines)).toEqual([
    ['# shellcheck shell=sh', 'echo "<<EOF"'],
    ['# shellcheck shell=sh', 'echo $1'],
  ]);
});
