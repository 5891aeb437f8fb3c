/**
 * `deno task test:deno`: runs each test file in its own `deno test` with a
 * time limit, so that a hang fails the run, naming the file, instead of
 * stalling it (Deno has no per-test timeout; Bun's `--timeout` is one). A
 * hang inside a blocking system call stops the test's own event loop, so the
 * guard must live outside the test process: this one kills the child's
 * process group after `TEST_FILE_TIMEOUT` seconds (default 300) and counts
 * the file as failed.
 *
 *     deno run -A tests/watchdog.ts [file_or_dir ...]   (default: tests/)
 *
 * @module
 */

const LIMIT = Number(Deno.env.get("TEST_FILE_TIMEOUT") ?? 300);

/** Every `*_test.ts` under `path` (or `path` itself), sorted. */
function testFiles(path: string): string[] {
  if (Deno.statSync(path).isFile) return [path];
  const out: string[] = [];
  for (const e of Deno.readDirSync(path)) {
    const p = `${path.replace(/\/$/, "")}/${e.name}`;
    if (e.isDirectory) out.push(...testFiles(p));
    else if (e.name.endsWith("_test.ts")) out.push(p);
  }
  return out.sort();
}

/** Runs one file; resolves with `"ok"`, `"failed"` or `"timed out"`. */
async function runFile(file: string): Promise<"ok" | "failed" | "timed out"> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", "--no-check", file],
    stdin: "null",
    // Its own process group, so that its children (spawned examples, python3) die with it.
    detached: true,
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      Deno.kill(-child.pid, "SIGKILL");
    } catch {
      child.kill("SIGKILL");
    }
  }, LIMIT * 1000);
  const status = await child.status;
  clearTimeout(timer);
  return timedOut ? "timed out" : status.success ? "ok" : "failed";
}

const files = (Deno.args.length > 0 ? Deno.args : ["tests/"]).flatMap(testFiles);
const failed: string[] = [];
for (const file of files) {
  const result = await runFile(file);
  if (result === "timed out") console.error(`FAILED: ${file} did not finish within ${LIMIT} s (TEST_FILE_TIMEOUT)`);
  if (result !== "ok") failed.push(`${file} (${result})`);
}
console.log(`watchdog: ${files.length - failed.length}/${files.length} test files passed`);
for (const f of failed) console.log(`  failed: ${f}`);
Deno.exit(failed.length === 0 ? 0 : 1);
