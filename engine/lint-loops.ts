/**
 * Strongly connected components (Tarjan, iterative so a 5,000-node chain
 * cannot overflow the stack). The linter runs it on the sub-graph of steps
 * that do not wait for the caller: any cycle there would spin forever.
 */

/** Components that are cycles: more than one node, or one node with an edge to itself. In input order. */
export function cycles(nodes: string[], next: (id: string) => string[]): string[][] {
  const order = new Map(nodes.map((n, i) => [n, i]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;

  for (const root of nodes) {
    if (index.has(root)) continue;
    // Each frame: a node and an iterator over its successors.
    const frames: Array<{ id: string; succ: string[]; i: number }> = [];
    const open = (id: string) => {
      index.set(id, counter); low.set(id, counter); counter++;
      stack.push(id); onStack.add(id);
      frames.push({ id, succ: next(id).filter((s) => order.has(s)), i: 0 });
    };
    open(root);
    while (frames.length) {
      const f = frames[frames.length - 1]!;
      if (f.i < f.succ.length) {
        const s = f.succ[f.i++]!;
        if (!index.has(s)) open(s);
        else if (onStack.has(s)) low.set(f.id, Math.min(low.get(f.id)!, index.get(s)!));
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(f.id)!));
      if (low.get(f.id) !== index.get(f.id)) continue;
      const comp: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); comp.push(w); } while (w !== f.id);
      if (comp.length > 1 || next(f.id).includes(f.id)) out.push(comp.sort((a, b) => order.get(a)! - order.get(b)!));
    }
  }
  return out.sort((a, b) => order.get(a[0]!)! - order.get(b[0]!)!);
}
