/**
 * Joining glue snippets into one RUN: which snippets join, and that the joined script
 * means to sh what the separate RUNs meant (run with the machine's sh, as BuildKit runs
 * a RUN heredoc: `sh -c <script>`).
 */
import { spawnSync } from 'node:child_process';
import { GLUE_TERMINATOR, joinGlue, type GlueStep } from '../../src/core/join-glue.js';

const snippet = (extension: string, body: string) => ({ extension, body, file: `fake/${extension}/setup.Dockerfile.hbs` });
const joined = (...bodies: string[]) => joinGlue(bodies.map((body, i) => snippet(`e${i}`, body)), 'setup');
const kinds = (steps: readonly GlueStep[]) => steps.map((s) => (s.kind === 'alone' ? s.snippet.extension : s.sections.map((x) => x.extension).join('+')));

test('consecutive joinable snippets become one script; a lone one and one that is not joinable stay as they are', () => {
  expect(kinds(joined('RUN echo a', 'RUN echo b', 'COPY x /x', 'RUN echo d', 'RUN --network=none echo e', 'RUN echo f', 'RUN echo g'))).toEqual(['e0+e1', 'e2', 'e3', 'e4', 'e5+e6']);
  expect(kinds(joinGlue([snippet('one', 'RUN echo a')], 'user'))).toEqual(['one']);
});

test('a section announces itself, keeps its comments and runs each RUN in a subshell', () => {
  const [step] = joined('# why\nRUN echo a \\\n    && echo b\nRUN echo c # done', 'RUN true');
  expect(step).toEqual({
    kind: 'joined',
    sections: [
      { extension: 'e0', script: "echo '### rockts: e0 setup'\n# why\n(\necho a \\\n    && echo b\n)\ncase $? in 0) ;; *) exit $? ;; esac\n(\necho c # done\n)\ncase $? in 0) ;; *) exit $? ;; esac" },
      { extension: 'e1', script: "echo '### rockts: e1 setup'\n(\ntrue\n)\ncase $? in 0) ;; *) exit $? ;; esac" },
    ],
  });
});

test.each([
  ['a flag', 'RUN --mount=type=cache,target=/c echo a'],
  ['the exec form', 'RUN ["echo", "a"]'],
  ['a heredoc', 'RUN <<EOF\necho a\nEOF'],
  ['`<<` that BuildKit does not read as a heredoc but sh does', 'RUN cat a<<EOF'],
  ['a comment line inside the continuation', 'RUN echo a \\\n# note\n    && echo b'],
  ['a blank line inside the continuation', 'RUN echo a \\\n\n    && echo b'],
  ['a blank after the backslash', 'RUN echo a \\ \n    && echo b'],
  ['`#` on a line that continues', 'RUN echo a # note \\\n    && echo b'],
  ['a continuation inside single quotes', "RUN echo 'a \\\n    b'"],
  ['a continuation inside single quotes within $(…) within double quotes', 'RUN echo "$(echo \'a \\\n    b\')"'],
  ['a continuation after backquotes', 'RUN echo `id` \\\n    b'],
  ['a background job', 'RUN sleep 9 &'],
  ['`&>`, which sh reads as a background job', 'RUN echo a &>/dev/null'],
  ['the terminator', `RUN echo \\\n${GLUE_TERMINATOR}`],
  ['a line that continues past the snippet', 'RUN echo a \\'],
  ['no instruction at all', '# only a comment'],
  ['an unclosed single quote, which the next RUN would close', "RUN echo 'x\nRUN echo 'y"],
  ['an unclosed double quote', 'RUN echo "x'],
  ['an unclosed $(', 'RUN echo $(date'],
  ['an unclosed backquote', 'RUN echo `date'],
  ['a `)` that would close the section\'s subshell (the rest ran outside it: `exit 0` skipped every later section)', 'RUN echo a ) ; exit 0 ; ( :'],
  ['a last line ending in three backslashes, no continuation to BuildKit but one to sh', 'RUN echo a\\\\\\'],
  ['a command that is only a comment, which would leave its subshell empty', 'RUN # nothing to do'],
  ['a form feed BuildKit trims from the start of the command and sh would not', 'RUN \fecho a'],
  ['a vertical tab BuildKit trims from the start of the command and sh would not', 'RUN \vecho a'],
  ['a carriage return BuildKit trims from the start of the command and sh would not', 'RUN \recho a'],
])('a snippet with %s is not joined', (_, body) => {
  expect(kinds(joined('RUN echo a', body, 'RUN echo c'))).toEqual(['e0', 'e1', 'e2']);
});

test('continuations sh removes as BuildKit does are joined: in double quotes, in $(…), after closed single quotes', () => {
  expect(kinds(joined('RUN echo "a \\\n    b" "$(echo \'x\' \\\n    y)" \'c\' \\\n    d', 'RUN true'))).toEqual(['e0+e1']);
});

test('quotes, substitutions and comments that close on their line are joined', () => {
  expect(kinds(joined('RUN echo "it\'s" \'"\' `id -u` "$(echo \')\')" # don\'t', 'RUN echo "${HOME}" $(echo "(") && (cd / && pwd)'))).toEqual(['e0+e1']);
});

test('a command that starts on the line after `RUN \\` is joined, and runs as BuildKit runs it', () => {
  expect(runJoined('RUN \\\n    echo a', 'RUN echo b')).toEqual({ status: 0, stdout: '### rockts: e0 setup\na\n### rockts: e1 setup\nb\n' });
});

test('a joined script stays below the size of one argument to sh', () => {
  const big = `RUN echo ${'x'.repeat(30000)}`;
  expect(kinds(joined(big, big, big))).toEqual(['e0+e1', 'e2']);
});

/** The joined RUN's script as BuildKit runs it: `sh -c <script>`. */
function runJoined(...bodies: string[]): { status: number | null; stdout: string } {
  const [step] = joined(...bodies);
  if (step?.kind !== 'joined') throw new Error('expected the snippets to join');
  const result = spawnSync('sh', ['-c', step.sections.map((s) => s.script).join('\n')], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout };
}

test("a failing RUN stops the script with its exit status; `set -e` in a snippet keeps its meaning; no snippet sees another's state", () => {
  expect(runJoined('RUN echo one && x=1 && cd /', 'RUN echo "two ${x:-unset} $(pwd)"; exit 3', 'RUN echo three')).toEqual({
    status: 3,
    stdout: '### rockts: e0 setup\none\n### rockts: e1 setup\ntwo unset ' + process.cwd() + '\n',
  });
  expect(runJoined('RUN set -e; false; echo after', 'RUN echo next')).toEqual({ status: 1, stdout: '### rockts: e0 setup\n' });
  expect(runJoined('RUN exit 0; echo no', 'RUN echo b \\\n    && echo c')).toEqual({ status: 0, stdout: '### rockts: e0 setup\n### rockts: e1 setup\nb\nc\n' });
});
