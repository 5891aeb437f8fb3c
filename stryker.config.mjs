// Mutation testing with StrykerJS (`npm run mutate`, on demand, not in CI).
//
// Stryker's command runner runs the whole command once per mutant, so each
// group of mutated files gets its own small, fast test set: one entry file
// under tests/mutation/ that imports the relevant test files into ONE Deno
// isolate (one runtime start per mutant), run with --fail-fast so a killed
// mutant stops at its first failing test. Pick the group with MUTATE_GROUP
// (addr_codecs, addr_inet, addr_host, errors, sock_call, socket, msg); `npm run mutate`
// runs them all in turn (MUTATE_GROUPS picks some). MUTATE_FILES narrows a run to files
// or line ranges (lib/socket.ts:1-650). MUTATE_INCREMENTAL=1 reuses the results in
// reports/mutation/<group>.incremental.json for mutants whose code did not change
// (the command runner reports no per-test coverage, so a survivor is reused even
// when a new test would kill it: re-run its lines with `--force` and MUTATE_FILES).
// Reports: reports/mutation/<group>.{html,json}. See tests/README.md.
import process from "node:process";

// group -> the files it mutates; its test set is tests/mutation/<group>.ts.
const CODECS = ["alg", "bluetooth", "can", "fields", "ifindex", "netlink", "packet", "qipcrtr", "rds", "tipc", "vsock"];
const GROUPS = {
  addr_codecs: CODECS.map((f) => `lib/addr/${f}.ts`),
  // lib/addr/host.ts (host strings: IPv4/IPv6 text, IDNA) is measured with convert_test.ts: group addr_host.
  addr_host: ["lib/addr/host.ts"],
  addr_inet: [
    "lib/addr/codec.ts",
    "lib/addr/inet.ts",
    "lib/addr/inet6.ts",
    "lib/addr/mod.ts",
    "lib/addr/unix.ts",
  ],
  errors: ["lib/errors.ts"],
  sock_call: ["lib/sock_call.ts"],
  socket: ["lib/socket.ts"],
  msg: ["lib/msg.ts"],
};

const group = process.env.MUTATE_GROUP ?? "errors";
// The reports' base name (default: the group's).
const report = `reports/mutation/${process.env.MUTATE_REPORT ?? group}`;
if (!(group in GROUPS)) throw new Error(`MUTATE_GROUP must be one of ${Object.keys(GROUPS).join(", ")}`);

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "command",
  commandRunner: {
    command: `node_modules/.bin/deno test -A --no-check --fail-fast tests/mutation/${group}.ts`,
  },
  mutate: process.env.MUTATE_FILES ? process.env.MUTATE_FILES.split(",") : GROUPS[group],
  // The machine is shared: at most two runtimes at once.
  concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 2),
  coverageAnalysis: "off",
  timeoutMS: 30000,
  timeoutFactor: 2,
  // Off by default: the command runner cannot tell Stryker which tests changed, so a reused result could be stale.
  incremental: process.env.MUTATE_INCREMENTAL === "1",
  incrementalFile: `reports/mutation/${group}.incremental.json`,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: `${report}.html` },
  jsonReporter: { fileName: `${report}.json` },
  ignorePatterns: ["bench/out", "reports", "*.log"],
  cleanTempDir: true,
};
