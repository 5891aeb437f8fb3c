/**
 * Builds what JSR would serve for this package, for the route tests
 * (`tests/routes_test.ts`):
 *
 * - `<dir>/published`: the published file set (what `deno publish` would
 *   upload, as its dry run lists it), for serving over HTTP as JSR serves it
 *   to Deno;
 * - `<dir>/jsr`: JSR's npm tarball of that file set, unpacked in
 *   `package/` and packed as `package.tgz`, the way Bun gets the package
 *   with `bunx jsr add`.
 *
 * The npm tarball follows JSR's transform (jsr-io/jsr, `api/src/npm/`:
 * `tarball.rs`, `specifiers.rs`, `emit.rs`): every TypeScript module of the
 * export graph becomes three files: the `.ts` with its specifiers rewritten
 * to the `.js` files, a transpiled `.js` (types stripped, specifiers
 * rewritten to `.js`), and a `.d.ts` declaration (specifiers to `.d.ts`);
 * every other published file is copied unchanged; the `package.json` is
 * JSR's: name `@jsr/<scope>__<name>`, `"type": "module"`, and for each
 * export `types` (the `.d.ts`) and `default` (the `.js`), with no `bun`
 * condition. JSR transpiles with deno_ast (swc); this uses TypeScript's
 * `transpileModule`, which strips types the same way for this code (no
 * decorators, no `const enum`).
 *
 *     deno run -A tools/jsr_npm.ts /tmp/out
 *
 * @module
 */

import ts from "typescript";

const ROOT = new URL("../", import.meta.url);
const rootPath = decodeURIComponent(ROOT.pathname);

/** Runs a command in the repository and returns its standard output. */
function run(cmd: string, args: string[]): string {
  const env = { NO_COLOR: "1" };
  const out = new Deno.Command(cmd, { args, cwd: rootPath, env, stderr: "piped", stdout: "piped" }).outputSync();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed:\n${text}`);
  return text;
}

/** The repository-relative paths `deno publish` would upload. */
export function publishedFiles(): string[] {
  const text = run(Deno.execPath(), ["publish", "--dry-run", "--allow-dirty", "--no-check"]);
  const prefix = ROOT.href;
  return text.split("\n").map((l) => l.trim().split(" ")[0]).filter((u) => u.startsWith(prefix))
    .map((u) => decodeURIComponent(u.slice(prefix.length)));
}

/** The package's name, version and exports, from `deno.json`. */
function config(): { name: string; version: string; exports: Record<string, string> } {
  return JSON.parse(Deno.readTextFileSync(new URL("deno.json", ROOT)));
}

/** The repository-relative paths of the local modules the exports reach. */
function graph(entries: string[]): Set<string> {
  const out = new Set<string>();
  for (const entry of entries) {
    const info = JSON.parse(run(Deno.execPath(), ["info", "--json", entry])) as { modules: { specifier: string }[] };
    for (const { specifier } of info.modules) {
      if (specifier.startsWith(ROOT.href)) out.add(decodeURIComponent(specifier.slice(ROOT.href.length)));
    }
  }
  return out;
}

/** `path` with its `.ts` extension replaced by `ext`. */
function withExt(path: string, ext: string): string {
  return path.replace(/\.ts$/, ext);
}

/**
 * Rewrites the specifiers of `text` (the module at `from`) that resolve to a
 * graph module, as JSR's `SpecifierRewriter` does: to the same file with
 * extension `ext`.
 */
function rewrite(text: string, from: string, modules: Set<string>, ext: string): string {
  const refs = ts.preProcessFile(text, true, true).importedFiles;
  let out = "";
  let at = 0;
  for (const ref of refs.sort((a, b) => a.pos - b.pos)) {
    if (!ref.fileName.startsWith(".")) continue;
    const target = new URL(ref.fileName, new URL(from, ROOT)).href.slice(ROOT.href.length);
    if (!modules.has(target) || !target.endsWith(".ts")) continue;
    // `pos` is at the opening quote (TypeScript's FileReference): find the name itself.
    const start = text.indexOf(ref.fileName, ref.pos);
    out += text.slice(at, start) + withExt(ref.fileName, ext);
    at = start + ref.fileName.length;
  }
  return out + text.slice(at);
}

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  declaration: true,
  isolatedDeclarations: true,
  useDefineForClassFields: true,
};

/** Writes `bytes` at `dir/path`, creating directories. */
function put(dir: string, path: string, bytes: string | Uint8Array): void {
  const file = `${dir}/${path}`;
  Deno.mkdirSync(file.slice(0, file.lastIndexOf("/")), { recursive: true });
  if (typeof bytes === "string") Deno.writeTextFileSync(file, bytes);
  else Deno.writeFileSync(file, bytes);
}

/** Copies the published file set `files` into `dir`. */
export function writePublished(dir: string, files: string[]): void {
  for (const f of files) put(dir, f, Deno.readFileSync(new URL(f, ROOT)));
}

/** Writes JSR's npm package of the published `files` into `dir/package` and packs it as `dir/package.tgz`. */
export function writeNpm(dir: string, files: string[]): void {
  const { name, version, exports } = config();
  const modules = graph(Object.values(exports));
  const pkg = `${dir}/package`;
  const written = new Set<string>();
  const emit = (path: string, text: string): void => {
    put(pkg, path, text);
    written.add(path);
  };
  for (const path of modules) {
    if (!path.endsWith(".ts")) continue;
    const source = Deno.readTextFileSync(new URL(path, ROOT));
    emit(path, rewrite(source, path, modules, ".js"));
    const js = ts.transpileModule(source, { compilerOptions: OPTIONS, fileName: path }).outputText;
    emit(withExt(path, ".js"), rewrite(js, path, modules, ".js"));
    const dts = ts.transpileDeclaration(source, { compilerOptions: OPTIONS, fileName: path }).outputText;
    emit(withExt(path, ".d.ts"), rewrite(dts, path, modules, ".d.ts"));
  }
  for (const f of files) if (!written.has(f)) put(pkg, f, Deno.readFileSync(new URL(f, ROOT)));
  const [scope, bare] = name.slice(1).split("/");
  const npmExports: Record<string, { types: string; default: string }> = {};
  for (const [key, target] of Object.entries(exports)) {
    npmExports[key] = { types: withExt(target, ".d.ts"), default: withExt(target, ".js") };
  }
  const manifest = {
    name: `@jsr/${scope}__${bare}`,
    version,
    type: "module",
    exports: npmExports,
    dependencies: {},
    homepage: `https://jsr.io/${name}`,
    _jsr_revision: 0,
  };
  put(pkg, "package.json", JSON.stringify(manifest, null, 2));
  const tar = new Deno.Command("tar", { args: ["czf", `${dir}/package.tgz`, "-C", dir, "package"] }).outputSync();
  if (!tar.success) throw new Error(new TextDecoder().decode(tar.stderr));
}

if (import.meta.main) {
  const [dir] = Deno.args;
  if (!dir) throw new Error("usage: jsr_npm.ts <dir>: writes <dir>/published and <dir>/jsr");
  const files = publishedFiles();
  writePublished(`${dir}/published`, files);
  writeNpm(`${dir}/jsr`, files);
}
