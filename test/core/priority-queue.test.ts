import fc from 'fast-check';
import { PriorityQueue } from '../../src/core/priority-queue.js';

const drain = <T>(queue: PriorityQueue<T>) => {
  const out: T[] = [];
  for (let item = queue.pop(); item !== undefined; item = queue.pop()) out.push(item);
  return out;
};

test('pops in the order of its comparator, whatever the order of pushes', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer()), (items) => {
      const queue = new PriorityQueue<number>((a, b) => a < b);
      for (const item of items) queue.push(item);
      expect(queue.size).toBe(items.length);
      expect(drain(queue)).toEqual([...items].sort((a, b) => a - b));
    }),
  );
});

test('pushes between pops still come out first when they go first', () => {
  const queue = new PriorityQueue<string>((a, b) => a < b);
  for (const item of ['m', 'x', 'c']) queue.push(item);
  expect(queue.pop()).toBe('c');
  queue.push('a');
  queue.push('z');
  expect(drain(queue)).toEqual(['a', 'm', 'x', 'z']);
  expect(queue.pop()).toBeUndefined();
});
