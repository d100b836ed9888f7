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
  const incoming = new Map(names.map((n) => [n, edges.filter((e) => e.to === n)]));
  const outgoing = new Map(names.map((n) => [n, edges.filter((e) => e.from === n)]));
  const cycle = findCycle(names, outgoing);
  if (cycle) throw cycleError(cycle);

  // Effective priority: the maximum over the extension and everything after it.
  const effective = new Map<string, { priority: number; from: string }>();
  const effectiveOf = (name: string): { priority: number; from: string } => {
    const known = effective.get(name);
    if (known) return known;
    let best = { priority: byName.get(name)!.extension.manifest.cachePriority, from: name };
    for (const edge of outgoing.get(name)!) {
      const next = effectiveOf(edge.to);
      if (next.priority > best.priority || (next.priority === best.priority && best.from !== name && compareCodePoints(next.from, best.from) < 0)) {
        best = next;
      }
    }
    effective.set(name, best);
    return best;
  };

  const placed = new Set<string>();
  const ordered: OrderedExtension[] = [];
  while (ordered.length < names.length) {
    let pick: string | undefined;
    for (const name of names) {
      if (placed.has(name) || !incoming.get(name)!.every((e) => placed.has(e.from))) continue;
      if (pick === undefined || effectiveOf(name).priority > effectiveOf(pick).priority) pick = name;
    }
    // findCycle guarantees a ready extension; names are scanned in code-point order, so ties go to the smallest.
    const name = pick!;
    placed.add(name);
    const { priority, from } = effectiveOf(name);
    ordered.push({
      ...byName.get(name)!,
      effectivePriority: priority,
      priorityFrom: from === name ? undefined : from,
      dependencies: incoming.get(name)!,
    });
  }
  return ordered;
}

/** A cycle among the edges, as the list of edges that form it, starting at its smallest name. */
function findCycle(names: readonly string[], outgoing: ReadonlyMap<string, readonly OrderEdge[]>): OrderEdge[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: OrderEdge[] = [];
  const visit = (name: string): OrderEdge[] | undefined => {
    state.set(name, 'visiting');
    for (const edge of outgoing.get(name)!) {
      if (state.get(edge.to) === 'visiting') {
        const start = stack.findIndex((e) => e.from === edge.to);
        return [...(start === -1 ? [] : stack.slice(start)), edge];
      }
      if (state.get(edge.to) === undefined) {
        stack.push(edge);
        const found = visit(edge.to);
        if (found) return found;
        stack.pop();
      }
    }
    state.set(name, 'done');
    return undefined;
  };
  for (const name of names) {
    if (state.get(name) !== undefined) continue;
    const cycle = visit(name);
    if (cycle) {
      const smallest = cycle.reduce((best, e, i) => (compareCodePoints(e.from, cycle[best]!.from) < 0 ? i : best), 0);
      return [...cycle.slice(smallest), ...cycle.slice(0, smallest)];
    }
  }
  return undefined;
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
