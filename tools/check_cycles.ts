/**
 * Fails when the static import graph of `lib/` and `ffi/` has a cycle.
 *
 * ```sh
 * deno run -A tools/check_cycles.ts        # or: deno task cycles
 * ```
 *
 * It asks Deno for the module graph (`deno info --json`) of a temporary root
 * that imports every `.ts` file under `lib/` and `ffi/`, so a file reached
 * only from `cli.ts` or an example is checked too. Edges are the static
 * imports and re-exports, with or without `type`; a dynamic `import()` is
 * not an edge, as it runs after both modules have been evaluated. The graph
 * is split into strongly connected components (Tarjan); every component of
 * more than one module, or a module importing itself, is a cycle. For each,
 * it prints the modules and the shortest cycle through each of them, then
 * exits 1.
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url);
const DIRS = ["lib/", "ffi/"];

/** One module's outgoing static edges, by repository-relative path. */
export type Graph = Map<string, Set<string>>;

interface InfoDependency {
  code?: { specifier?: string };
  type?: { specifier?: string };
  isDynamic?: boolean;
}

interface InfoModule {
  specifier: string;
  dependencies?: InfoDependency[];
}

async function listSources(dir: URL): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) out.push(...await listSources(url));
    else if (entry.name.endsWith(".ts")) out.push(url.href);
  }
  return out.sort();
}

function relative(specifier: string): string | undefined {
  if (!specifier.startsWith(ROOT.href)) return undefined;
  const path = specifier.slice(ROOT.href.length);
  return DIRS.some((d) => path.startsWith(d)) ? path : undefined;
}

/** Reads the import graph of every `.ts` file under `lib/` and `ffi/` from `deno info --json`. */
export async function readGraph(): Promise<Graph> {
  const files = (await Promise.all(DIRS.map((d) => listSources(new URL(d, ROOT))))).flat();
  const dir = await Deno.makeTempDir({ prefix: "check_cycles_" });
  try {
    const root = `${dir}/root.ts`;
    await Deno.writeTextFile(root, files.map((f) => `import ${JSON.stringify(f)};`).join("\n") + "\n");
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", root],
      cwd: ROOT.pathname,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(`deno info failed:\n${new TextDecoder().decode(out.stderr)}`);
    const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { modules: InfoModule[] };
    const graph: Graph = new Map();
    for (const m of info.modules) {
      const from = relative(m.specifier);
      if (from === undefined) continue;
      const edges = new Set<string>();
      for (const d of m.dependencies ?? []) {
        if (d.isDynamic) continue;
        for (const target of [d.code?.specifier, d.type?.specifier]) {
          const to = target === undefined ? undefined : relative(target);
          if (to !== undefined) edges.add(to);
        }
      }
      graph.set(from, edges);
    }
    return graph;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The strongly connected components of `graph` that form cycles (Tarjan's algorithm). */
export function cyclicComponents(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.has(v)) out.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

/** The shortest path of imports from `start` back to itself (breadth-first). */
export function shortestCycle(graph: Graph, start: string): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i];
    for (const w of [...graph.get(v) ?? []].sort()) {
      if (w === start) {
        const path = [start];
        for (let u: string | undefined = v; u !== start && u !== undefined; u = parent.get(u)) path.splice(1, 0, u);
        return [...path, start];
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [];
}

async function main(): Promise<number> {
  const graph = await readGraph();
  const components = cyclicComponents(graph);
  if (components.length === 0) {
    console.log(`no import cycles among ${graph.size} modules of ${DIRS.join(" and ")}`);
    return 0;
  }
  for (const component of components) {
    console.log(`import cycle among ${component.length} module(s): ${component.join(", ")}`);
    const seen = new Set<string>();
    for (const m of component) {
      const cycle = shortestCycle(graph, m);
      const key = [...cycle.slice(1)].sort().join(" ");
      if (seen.has(key)) continue;
      seen.add(key);
      console.log(`  ${cycle.join(" -> ")}`);
    }
  }
  console.log(`${components.length} import cycle(s) in ${DIRS.join(" and ")}`);
  return 1;
}

if (import.meta.main) Deno.exit(await main());
