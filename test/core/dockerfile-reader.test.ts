import { readDockerfile, splitCommand, type DockerfileInstruction } from '../../src/core/dockerfile-reader.js';
import { RocktsError } from '../../src/core/errors.js';
import { READER_CASES } from './dockerfile-reader-cases.js';

/** One instruction as the table writes it. */
export function summarize(i: DockerfileInstruction): string {
  const heredocs = i.heredocs.length === 0 ? '' : ` [${i.heredocs.map((h) => h.name).join(',')}]`;
  return `${i.startLine}-${i.endLine} ${i.line}${heredocs}`;
}

function read(text: string): readonly string[] | string {
  try {
    return readDockerfile(text, 'Dockerfile').instructions.map(summarize);
  } catch (error) {
    if (!(error instanceof RocktsError)) throw error;
    return `error ${error.location!.line}: ${error.message}`;
  }
}

test.each(READER_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  expect(read(c.text)).toEqual(c.expected);
});

test('heredoc bodies, the chomp and expand marks, and the marker as written', () => {
  const [run] = readDockerfile("RUN cat <<-'EOF' > /f\n\thello $X\n\tEOF\n", 'Dockerfile').instructions;
  expect(run!.heredocs).toEqual([{ name: 'EOF', chomp: true, expand: false, marker: "<<-'EOF'", markerStart: 8, body: ['\thello $X'], endLine: 3 }]);
  expect(run!.line.slice(run!.heredocs[0]!.markerStart)).toMatch(/^<<-'EOF'/);
});

test('a text that ends inside a continuation says so; the lines of each instruction are listed', () => {
  const read = readDockerfile('RUN a \\\n# c\n  b \\\n', 'Dockerfile');
  expect(read.openContinuation).toBe(true);
  expect(read.instructions[0]!.parts).toEqual([
    { line: 1, start: 0, text: 'RUN a ' },
    { line: 3, start: 0, text: '  b ' },
  ]);
  expect(readDockerfile('RUN a\n', 'Dockerfile').openContinuation).toBe(false);
});

test('flags are unquoted; the flags text is kept as written; -- ends the flags', () => {
  expect(splitCommand('  copy --chown="a b" --link  src dst ', '\\')).toEqual({ keyword: 'COPY', flags: ['--chown=a b', '--link'], flagsText: '--chown="a b" --link  ', args: 'src dst', argsStart: 29, json: false });
  expect(splitCommand('RUN --network=none -- --not-a-flag', '\\')).toMatchObject({ flags: ['--network=none'], args: '--not-a-flag' });
  expect(splitCommand('CMD ["a", "b"]', '\\').json).toBe(true);
});

test('errors carry the file and line', () => {
  expect(() => readDockerfile('FROM a\nRUN <<X\n', 'snippets/x.hbs')).toThrow(expect.objectContaining({ location: { file: 'snippets/x.hbs', line: 2, column: 1 } }));
});
