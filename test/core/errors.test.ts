/** How errors read on a terminal. */
import { formatError, formatWarning, RocktsError } from '../../src/core/errors.js';

test('control and bidi characters in messages, notes and paths are shown escaped, never sent raw to the terminal', () => {
  const error = new RocktsError('EXTENSION_UNKNOWN', "unknown extension '\u001b]0;pwned\u0007x\u009b2J'", {
    location: { file: 'evil\nrockerc.yaml', line: 2, column: 3 },
    notes: [{ message: 'see\u202eeman' }],
  });
  const expected = "evil\\x0arockerc.yaml:2:3: unknown extension '\\x1b]0;pwned\\x07x\\x9b2J'\n  see\\u202eeman\n";
  expect(formatError(error)).toBe(expected);
  expect(formatWarning(new RocktsError('IO_FAILED', 'a\rb\u2028c'))).toBe('rockts: warning: a\\x0db\\u2028c\n');
});

test('a message keeps its own line breaks and tabs', () => {
  expect(formatError(new RocktsError('BUILD_FAILED', 'failed:\n\tstep 1'))).toBe('rockts: failed:\n\tstep 1\n');
});
