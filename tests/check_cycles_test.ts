// Tests for tools/check_cycles.ts: the cycle finder on small graphs, and on
// the repository's own import graph.

import { test } from "node:test";
import assert from "node:assert/strict";
import { cyclicComponents, type Graph, shortestCycle } from "../tools/check_cycles.ts";

function graph(edges: Record<string, string[]>): Graph {
  return new Map(Object.entries(edges).map(([k, v]) => [k, new Set(v)]));
}

test("cyclicComponents() finds each cycle once, with a self-import, and nothing in a DAG", () => {
  assert.deepEqual(cyclicComponents(graph({ a: ["b"], b: ["c"], c: [] })), []);
  assert.deepEqual(cyclicComponents(graph({ a: ["a"] })), [["a"]]);
  const g = graph({ s: ["m", "f", "x"], m: ["s"], f: ["s"], x: ["y"], y: [], p: ["q"], q: ["p"] });
  assert.deepEqual(cyclicComponents(g).sort(), [["f", "m", "s"], ["p", "q"]]);
});

test("shortestCycle() returns the shortest way back to the start", () => {
  const g = graph({ a: ["b", "c"], b: ["c"], c: ["a"] });
  assert.deepEqual(shortestCycle(g, "a"), ["a", "c", "a"]);
  assert.deepEqual(shortestCycle(g, "b"), ["b", "c", "a", "b"]);
  assert.deepEqual(shortestCycle(graph({ a: ["b"], b: [] }), "a"), []);
});
