/**
 * The order of deps layers across files (deps_rocker's README, "Methodology"): each
 * file orders its keys as written; the layers of all files are sorted so that every
 * file's order holds, and layers no file orders run in alphabetical (code-point) order.
 * Files that order two layers both ways have no such order: that is an error naming
 * the files, as deps_rocker's README says it fails.
 */
import { RocktsError } from '../../core/errors.js';
import { compareCodePoints } from '../../core/suggest.js';
import type { SourceLocation } from '../../core/types.js';
import type { DepsFile } from './parse-deps-file.js';

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly location: SourceLocation;
}

/** Every key of `files`, once, in an order all files agree with. */
export function orderLayers(files: readonly DepsFile[]): string[] {
  const keys = [...new Set(files.flatMap((f) => f.entries.map((e) => e.key)))];
  const edges: Edge[] = files.flatMap((f) => f.entries.slice(1).map((e, i) => ({ from: f.entries[i]!.key, to: e.key, location: e.location })));
  const ordered: string[] = [];
  const remaining = new Set(keys);
  for (;;) {
    const ready = [...remaining].filter((k) => !edges.some((e) => e.to === k && remaining.has(e.from))).sort(compareCodePoints);
    if (ready.length === 0) break;
    ordered.push(ready[0]!);
    remaining.delete(ready[0]!);
  }
  if (remaining.size > 0) throw cycleError(findCycle([...remaining].sort(compareCodePoints), edges.filter((e) => remaining.has(e.from) && remaining.has(e.to))));
  return ordered;
}

/** A cycle among `nodes`, as its edges. */
function findCycle(nodes: readonly string[], edges: readonly Edge[]): Edge[] {
  const path: Edge[] = [];
  const visit = (node: string, seen: readonly string[]): Edge[] | undefined => {
    for (const edge of edges.filter((e) => e.from === node)) {
      const start = seen.indexOf(edge.to);
      if (start >= 0) return [...path.slice(start), edge];
      path.push(edge);
      const found = visit(edge.to, [...seen, edge.to]);
      if (found) return found;
      path.pop();
    }
    return undefined;
  };
  return visit(nodes[0]!, [nodes[0]!]) ?? [];
}

function cycleError(cycle: readonly Edge[]): RocktsError {
  const chain = [cycle[0]!.from, ...cycle.map((e) => e.to)].join(' → ');
  return new RocktsError('CONFIG_INVALID', `deps files order their layers both ways (${chain}); expected every file to list shared layers in one order`, {
    location: cycle[0]!.location,
    notes: cycle.map((e) => ({ message: `'${e.from}' comes before '${e.to}' here`, location: e.location })),
  });
}
