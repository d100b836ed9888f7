/**
 * Checking an option value against its declaration. A value reaches a template only
 * after passing here, and no string value may hold a control character, so option text
 * can never start a new Dockerfile line.
 */
import { CONTROL_CHARACTER } from './grammar.js';
import type { OptionSpec, Scalar } from './types.js';

/** The value, typed, when it is acceptable; otherwise the "expected ..." phrase. */
export function checkOptionValue(spec: OptionSpec, value: unknown): { value: Scalar } | { expected: string } {
  switch (spec.type) {
    case 'string': {
      const expected = spec.pattern === undefined ? 'a string' : `a string matching ${spec.pattern}`;
      if (typeof value !== 'string') return { expected: typeof value === 'number' ? `${expected} (write it in quotes)` : expected };
      if (CONTROL_CHARACTER.test(value)) return { expected: `${expected} without control characters (newlines, tabs)` };
      if (spec.pattern !== undefined && !new RegExp(spec.pattern, 'u').test(value)) return { expected };
      return { value };
    }
    case 'number': {
      const range =
        spec.minimum !== undefined && spec.maximum !== undefined
          ? ` from ${spec.minimum} to ${spec.maximum}`
          : spec.minimum !== undefined
            ? ` of at least ${spec.minimum}`
            : spec.maximum !== undefined
              ? ` of at most ${spec.maximum}`
              : '';
      const expected = `${spec.integer ? 'a whole number' : 'a number'}${range}`;
      if (typeof value !== 'number' || !Number.isFinite(value)) return { expected };
      if (spec.integer && !Number.isInteger(value)) return { expected };
      if (spec.minimum !== undefined && value < spec.minimum) return { expected };
      if (spec.maximum !== undefined && value > spec.maximum) return { expected };
      return { value };
    }
    case 'boolean':
      return typeof value === 'boolean' ? { value } : { expected: 'true or false' };
    case 'enum': {
      if (typeof value === 'string' && spec.values.includes(value)) return { value };
      // YAML reads 2 or true as a number or boolean; the value list holds strings.
      const quote = (typeof value === 'number' || typeof value === 'boolean') && spec.values.includes(String(value));
      return { expected: `one of: ${spec.values.join(', ')}${quote ? ' (write it in quotes)' : ''}` };
    }
  }
}
