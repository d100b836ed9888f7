/**
 * The order of extensions, which is the order of builder stages and of every group in
 * the final stage. Rules (DESIGN.md, "Order"):
 *  - an extension comes after everything it `requires`, and after what it lists in
 *    `after` when that is enabled too;
 *  - among extensions whose dependencies are all placed, the highest effective priority
 *    goes first, then the smallest name in code-point order;
 *  - the effective priority of an extension is the highest cachePriority of itself and
 *    of every extension ordered after it through requires/after, so a stable
 *    extension's dependencies sit early with it.
 * The order in rockerc.yaml never matters: the input is only ever read as a set.
 */
import { RocktsError } from './errors.js';
import { PriorityQueue } from './priority-queue.js';
import { compareCodePoints } from './suggest.js';
import type { OrderEdge, OrderedExtension, ResolvedExtension } from './types.js';

export function orderExtensions(extensions: readonly ResolvedExtension[]): OrderedExtension[] {
  const byName = new Map(extensions.map((e) => [e.name, e]));
  const names = [...byName.keys()].sort(compareCodePoints);
  const edges: OrderEdge[] = [];
  for (const name of names) {
    const { manifest } = byName.get(name)!.extension;
    for (const kind of ['requires', 'after'] as const) {
      for (const dependency of manifest[kind]) {
        if (byName.has(dependency.value) && dependency.value !== name) {
          edges.push({ from: dependency.value, to: name, kind, location: dependency.location });
        } else if (dependency.value === name) {
          throw cycleError([{ from: name, to: name, kind, location: dependency.location }]);
        }
      }
    }
  }
  const incoming = new Map(names.map((n) => [n, [] as OrderEdge[]]));
  const outgoing = new Map(names.map((n) => [n, [] as OrderEdge[]]));
  for (const edge of edges) {
    incoming.get(edge.to)!.push(edge);
    outgoing.get(edge.from)!.push(edge);
  }
  const search = searchGraph(names, outgoing);
  if ('cycle' in search) throw cycleError(search.cycle);

  // Effective priority: the maximum over the extension and everything after it. Computed
  // in depth-first post-order, so every extension's successors are known before it.
  const effective = new Map<string, { priority: number; from: string }>();
  for (const name of search.postOrder) {
    let best = { priority: byName.get(name)!.extension.manifest.cachePriority, from: name };
    for (const edge of outgoing.get(name)!) {
      const next = effective.get(edge.to)!;
      if (next.priority > best.priority || (next.priority === best.priority && best.from !== name && compareCodePoints(next.from, best.from) < 0)) {
        best = next;
      }
    }
    effective.set(name, best);
  }

  const goesFirst = (a: string, b: string) => {
    const difference = effective.get(a)!.priority - effective.get(b)!.priority;
    return difference !== 0 ? difference > 0 : compareCodePoints(a, b) < 0;
  };
  const waiting = new Map(names.map((n) => [n, incoming.get(n)!.length]));
  // Kahn's algorithm with the ready extensions in a priority queue: O((n + e) log n).
  const ready = new PriorityQueue(goesFirst);
  for (const name of names) if (waiting.get(name) === 0) ready.push(name);
  const ordered: OrderedExtension[] = [];
  while (ordered.length < names.length) {
    // searchGraph found no cycle, so some extension is ready.
    const name = ready.pop()!;
    for (const edge of outgoing.get(name)!) {
      const left = waiting.get(edge.to)! - 1;
      waiting.set(edge.to, left);
      if (left === 0) ready.push(edge.to);
    }
    const { priority, from } = effective.get(name)!;
    ordered.push({
      ...byName.get(name)!,
      effectivePriority: priority,
      priorityFrom: from === name ? undefined : from,
      dependencies: incoming.get(name)!,
    });
  }
  return ordered;
}

/**
 * A depth-first search without recursion (a chain of thousands of extensions must not
 * overflow the stack): the first cycle found, as the list of edges that form it starting
 * at its smallest name, or else every extension in post-order.
 */
function searchGraph(names: readonly string[], outgoing: ReadonlyMap<string, readonly OrderEdge[]>): { cycle: OrderEdge[] } | { postOrder: string[] } {
  const state = new Map<string, 'visiting' | 'done'>();
  const postOrder: string[] = [];
  for (const root of names) {
    if (state.has(root)) continue;
    // The path from the root: the edges taken, and for each folder on it the next edge to try.
    const path: OrderEdge[] = [];
    const frames: { name: string; next: number }[] = [{ name: root, next: 0 }];
    state.set(root, 'visiting');
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const edge = outgoing.get(frame.name)![frame.next++];
      if (edge === undefined) {
        state.set(frame.name, 'done');
        postOrder.push(frame.name);
        frames.pop();
        path.pop();
      } else if (state.get(edge.to) === 'visiting') {
        const cycle = [...path.slice(path.findIndex((e) => e.from === edge.to)), edge];
        const smallest = cycle.reduce((best, e, i) => (compareCodePoints(e.from, cycle[best]!.from) < 0 ? i : best), 0);
        return { cycle: [...cycle.slice(smallest), ...cycle.slice(0, smallest)] };
      } else if (!state.has(edge.to)) {
        state.set(edge.to, 'visiting');
        path.push(edge);
        frames.push({ name: edge.to, next: 0 });
      }
    }
  }
  return { postOrder };
}

function cycleError(cycle: readonly OrderEdge[]): RocktsError {
  // Edges point from dependency to dependent; the message reads the other way round.
  const reversed = [...cycle].reverse();
  const path = [...reversed.map((e) => e.to), reversed[0]!.to].join(' → ');
  const notes = reversed.map((e) => ({
    message: `'${e.to}' ${e.kind === 'requires' ? 'requires' : 'is declared after'} '${e.from}'`,
    location: e.location,
  }));
  return new RocktsError('DEPENDENCY_CYCLE', `dependency cycle: ${path}`, { location: reversed[0]!.location, notes });
}
