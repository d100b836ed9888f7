/**
 * Extension packages, as a user meets them: each case in test/golden-packages/ is a
 * project folder with real node_modules trees (and `global/` standing in for the global
 * npm root). expected.txt is the transcript of `rockts extensions --json` and
 * `rockts dockerfile` run there: exit code, stdout and stderr.
 * UPDATE_GOLDEN=1 rewrites the transcripts; review the diff.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { compareGolden, goldenCases, ROOT } from './helpers/project.js';

const FOLDER = path.join(ROOT, 'test/golden-packages');
/** One setup-only built-in, `hello`, so the transcripts stay short. */
const BUILTINS = path.join(ROOT, 'test/fixtures/package-builtins');
const CASES = goldenCases('test/golden-packages');

function rockts(dir: string, args: string[]): Promise<string> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: path.join(dir, 'no-home'),
    NO_COLOR: '1',
    ROCKTS_BUILTIN_EXTENSIONS: BUILTINS,
    npm_config_prefix: path.join(dir, 'global'),
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bin/run.js'), ...args], { cwd: dir, env }, (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
      resolve(`$ rockts ${args.join(' ')}\nexit ${code}\n--- stdout\n${stdout}--- stderr\n${stderr}`);
    });
  });
}

test('there are package cases', () => {
  expect(CASES.length).toBeGreaterThan(0);
});

test.each(CASES)('%s', async (name) => {
  const dir = path.join(FOLDER, name);
  const transcript = [await rockts(dir, ['extensions', '--json']), await rockts(dir, ['dockerfile'])].join('\n').replaceAll(dir, '<project>').replaceAll(ROOT, '<rockts>/');
  await compareGolden(path.join(dir, 'expected.txt'), transcript);
});
