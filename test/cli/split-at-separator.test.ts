/** The command after `--` reaches `rockts run` (and exec) untouched. */
import { Parser } from '@oclif/core';
import { splitAtSeparator } from '../../src/cli/base-command.js';
import RunCommand from '../../src/commands/run.js';

test('the words after the first -- are the command, as given', () => {
  expect(splitAtSeparator(['-c', 'rockerc.yaml', '--', 'sh', '-c', 'echo hi', '--', '-d'])).toEqual({
    own: ['-c', 'rockerc.yaml'],
    command: ['sh', '-c', 'echo hi', '--', '-d'],
  });
  expect(splitAtSeparator(['--keep'])).toEqual({ own: ['--keep'], command: undefined });
  expect(splitAtSeparator(['--'])).toEqual({ own: [], command: [] });
});

test("oclif's parser alone drops `sh` from `-c FILE -- sh -c …`, which is why run splits first", async () => {
  const options = { flags: RunCommand.flags, args: RunCommand.args, strict: false };
  expect((await Parser.parse(['-c', 'rockerc.yaml', '--', 'sh', '-c', 'echo hi'], options)).argv).not.toEqual(['sh', '-c', 'echo hi']);
  const { own, command } = splitAtSeparator(['-c', 'rockerc.yaml', '--', 'sh', '-c', 'echo hi']);
  expect((await Parser.parse(own, options)).flags).toMatchObject({ config: 'rockerc.yaml' });
  expect(command).toEqual(['sh', '-c', 'echo hi']);
});
