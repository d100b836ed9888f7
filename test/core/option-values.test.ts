/** Option values against their declarations (core/option-values.ts). */
import { checkOptionValue } from '../../src/core/option-values.js';
import type { OptionSpec } from '../../src/core/types.js';

const level: OptionSpec = { type: 'enum', values: ['0', '2', 's'], default: '2', description: undefined };

test('an enum accepts its values as strings only', () => {
  expect(checkOptionValue(level, 's')).toEqual({ value: 's' });
  expect(checkOptionValue(level, '2')).toEqual({ value: '2' });
  expect(checkOptionValue(level, 'fast')).toEqual({ expected: 'one of: 0, 2, s' });
});

test('a number that YAML read from an enum value is told to be quoted', () => {
  expect(checkOptionValue(level, 2)).toEqual({ expected: 'one of: 0, 2, s (write it in quotes)' });
  expect(checkOptionValue(level, 3)).toEqual({ expected: 'one of: 0, 2, s' });
  const flag: OptionSpec = { type: 'enum', values: ['true', 'auto'], default: 'auto', description: undefined };
  expect(checkOptionValue(flag, true)).toEqual({ expected: 'one of: true, auto (write it in quotes)' });
});
