/**
 * The constants and struct-layout generator's driver.
 *
 * ```sh
 * deno run -A tools/gen.ts          # regenerate ffi/gen/*.ts and lib/constants.ts
 * deno run -A tools/gen.ts --check  # exit 1 if a committed file is out of date
 * ```
 *
 * Linux: it writes `gen_names.h` (the `[CONSTANTS]` and `[SYS]` lists of
 * `tools/names.txt`) into a temporary directory and compiles
 * `tools/gen_constants.c` to an object file once per architecture: with `cc`
 * (or `$CC`, adding `$CFLAGS`) for this machine's, and with the cross
 * compiler of each other one (`aarch64-linux-gnu-gcc` from Debian's
 * gcc-aarch64-linux-gnu, `x86_64-linux-gnu-gcc` from gcc-x86-64-linux-gnu,
 * or `$CC_<arch>`). The program is never run: every value is a constant
 * expression in the initializer of one array, and this script reads that
 * array out of the object's `gen_table` section (`tools/elf.ts`); a
 * bit-field's position and width come from the bytes of a struct in which
 * the compiler set only that field's bits (`gen_bits`). So the
 * aarch64 tables are what an aarch64 compiler computes from aarch64 headers,
 * not x86_64 values patched by a hand-kept list of differences. (Debian 12
 * ships gcc-aarch64-linux-gnu 12.2 with libc6-dev-arm64-cross 2.36 and
 * linux-libc-dev-arm64-cross 6.1; the host's uapi headers being a later 6.1
 * made no difference: the only values that differ are struct epoll_event's.)
 *
 * A missing cross compiler is an error, unless `--keep-missing` is given (or
 * `--check`, which implies it): then that architecture's values are read back
 * from the committed files, and a note says so.
 *
 * macOS: no macOS compiler or SDK runs here (Debian ships none), so the two
 * macOS tables come from the hand-kept `tools/darwin_values.ts` (values read
 * from the xnu and Libinfo headers), with struct layouts computed here from
 * the declarations it transcribes; both Macs are LP64 with the same headers.
 *
 * Then, per OS, as golang/sys `unix/internal/mkmerge` does: every
 * `(name, value)` pair that all architectures share goes to
 * `ffi/gen/<os>.ts`, and `ffi/gen/<os>_<arch>.ts` keeps only what differs
 * (on Linux, `struct epoll_event`, packed on x86_64 only). Last,
 * `lib/constants.ts` is written from the union of all platforms' names.
 *
 * @module
 */

import { DARWIN, type StructDecl } from "./darwin_values.ts";
import { ELF_MACHINES, elfSection } from "./elf.ts";
import { FAMILY_NAMES } from "../lib/addr/types.ts";

const ROOT = new URL("../", import.meta.url);
const TOOLS = new URL("./", import.meta.url);
const GEN_DIR = "ffi/gen/";
const TABLE_NAMES = ["CONSTANTS", "SYS", "LAYOUT"] as const;

type Table = Map<string, number>;

interface Tables {
  CONSTANTS: Table;
  SYS: Table;
  LAYOUT: Table;
}

/** One line of names.txt: `NAME`, `NAME if COND` or `NAME = EXPR if COND`. */
interface Entry {
  name: string;
  expr: string;
  cond: string;
}

/** The Linux architectures, in the order their tables are compared and merged. */
const LINUX_ARCHES = ["x86_64", "aarch64"] as const;
type LinuxArch = typeof LINUX_ARCHES[number];

/** Each Linux architecture's GNU triplet: its cross compiler is `<triplet>-gcc`. */
const TRIPLETS: Readonly<Record<LinuxArch, string>> = {
  x86_64: "x86_64-linux-gnu",
  aarch64: "aarch64-linux-gnu",
};

/** The two Macs, whose tables come from tools/darwin_values.ts. */
const DARWIN_ARCHES = ["x86_64", "aarch64"] as const;

/** Size of an entry's name in gen_constants.c (GEN_NAME_SIZE), and of the whole entry. */
const NAME_SIZE = 64;
const ENTRY_SIZE = NAME_SIZE + 8;

// ---------------------------------------------------------------------------
// names.txt

function parseNames(text: string): { CONSTANTS: Entry[]; SYS: Entry[] } {
  const out: { CONSTANTS: Entry[]; SYS: Entry[] } = { CONSTANTS: [], SYS: [] };
  let section: keyof typeof out | undefined;
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/#.*/, "").trim();
    if (line === "") return;
    const head = /^\[(CONSTANTS|SYS)\]$/.exec(line);
    if (head) {
      section = head[1] as keyof typeof out;
      return;
    }
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\s*=\s*(.+?))?(?:\s+if\s+(.+))?$/
      .exec(line);
    if (!m || section === undefined) {
      throw new Error(`tools/names.txt:${i + 1}: cannot parse "${raw}"`);
    }
    const [, name, expr, cond] = m;
    out[section].push({
      name,
      expr: expr ?? name,
      cond: cond ?? (expr === undefined ? `defined(${name})` : "1"),
    });
  });
  for (const [section, entries] of Object.entries(out)) {
    const seen = new Set<string>();
    for (const e of entries) {
      if (seen.has(e.name)) {
        throw new Error(`tools/names.txt: ${e.name} twice in [${section}]`);
      }
      seen.add(e.name);
    }
  }
  return out;
}

function namesHeader(names: { CONSTANTS: Entry[]; SYS: Entry[] }): string {
  const lines = (table: string, entries: Entry[]) =>
    entries.flatMap((e) => [`#if ${e.cond}`, `V("${table}", "${e.name}", ${e.expr})`, "#endif"]);
  return [
    "/* Generated by tools/gen.ts from tools/names.txt: initializers of GEN_TABLE. */",
    ...lines("C", names.CONSTANTS),
    ...lines("S", names.SYS),
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------------
// Compiling the C generator and reading its object file

async function run(cmd: string, args: string[]): Promise<string> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" })
      .output();
  } catch (cause) {
    throw new Error(`Cannot run ${cmd}`, { cause });
  }
  const decoder = new TextDecoder();
  if (!out.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed:\n${decoder.decode(out.stderr)}`,
    );
  }
  return decoder.decode(out.stdout);
}

/** Whether `cmd` can be started (a compiler that is installed). */
async function runs(cmd: string): Promise<boolean> {
  try {
    return (await new Deno.Command(cmd, { args: ["--version"], stdout: "null", stderr: "null" }).output()).success;
  } catch {
    return false;
  }
}

interface Generated {
  tables: Tables;
  bluez: string;
}

/** Turns `L OFF sockaddr_in sin_port` into `OFF_SOCKADDR_IN_SIN_PORT`. */
function layoutKey(parts: string[]): string {
  return parts.join("_").replaceAll(".", "_").toUpperCase();
}

/** The NUL-padded name of GEN_NAME_SIZE bytes at `at` in a section. */
function nameAt(bytes: Uint8Array, at: number, section: string): string {
  const nul = bytes.subarray(at, at + NAME_SIZE).indexOf(0);
  if (nul < 0) throw new Error(`${section}: a name of ${NAME_SIZE} bytes or more at ${at}`);
  return new TextDecoder().decode(bytes.subarray(at, at + nul));
}

/**
 * Decodes GEN_TABLE from the `gen_table` section of the object, checking it
 * is for `arch`, then the bit-fields of GEN_BITS (`gen_bits`) into LAYOUT.
 */
function readTable(object: Uint8Array, arch: LinuxArch): Generated {
  const section = elfSection(object, "gen_table");
  if (section.machine !== ELF_MACHINES[arch]) {
    throw new Error(`gen_constants.o is for ELF machine ${section.machine}, not ${arch}`);
  }
  const { bytes, littleEndian } = section;
  if (bytes.length % ENTRY_SIZE !== 0) throw new Error(`gen_table: ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tables: Tables = { CONSTANTS: new Map(), SYS: new Map(), LAYOUT: new Map() };
  const byTag: Record<string, Table> = { C: tables.CONSTANTS, S: tables.SYS, L: tables.LAYOUT };
  let bluez = "none";
  let bitsEntrySize = 0;
  for (let at = 0; at < bytes.length; at += ENTRY_SIZE) {
    const [tag, ...parts] = nameAt(bytes, at, "gen_table").split(" ");
    const value = Number(view.getBigInt64(at + NAME_SIZE, littleEndian));
    if (tag === "M" && parts[0] === "BLUEZ") {
      bluez = parts[1];
      continue;
    }
    if (tag === "M" && parts[0] === "BITS_ENTRY_SIZE") {
      bitsEntrySize = value;
      continue;
    }
    const table = byTag[tag];
    const name = tag === "L" ? layoutKey(parts) : parts.join(" ");
    if (table === undefined || !Number.isSafeInteger(value) || table.has(name)) {
      throw new Error(`gen_table: unexpected entry "${tag} ${parts.join(" ")}" = ${value}`);
    }
    table.set(name, value);
  }
  if (bitsEntrySize) readBits(elfSection(object, "gen_bits").bytes, bitsEntrySize, tables.LAYOUT);
  return { tables, bluez };
}

/**
 * Decodes GEN_BITS: each entry of `entrySize` bytes is a name
 * (`tcp_info tcpi_snd_wscale`) and a struct in which only that bit-field's
 * bits are set. Adds `BITS_<STRUCT>_<FIELD>` (byte offset * 256 + the shift
 * of its lowest bit in that byte) and `WIDTH_<STRUCT>_<FIELD>` (its bits) to
 * `layout`. Byte order does not matter: the position is a byte's and a bit's
 * within it, as the decoder (lib/tcp_info.ts) reads the field.
 */
function readBits(bytes: Uint8Array, entrySize: number, layout: Table): void {
  if (entrySize <= NAME_SIZE || bytes.length % entrySize !== 0) {
    throw new Error(`gen_bits: ${bytes.length} bytes in entries of ${entrySize}`);
  }
  for (let at = 0; at < bytes.length; at += entrySize) {
    const parts = nameAt(bytes, at, "gen_bits").split(" ");
    const ones = bytes.subarray(at + NAME_SIZE, at + entrySize);
    const set = [...ones.keys()].filter((i) => ones[i] !== 0);
    const byte = set.length === 1 ? ones[set[0]] : 0;
    const shift = 31 - Math.clz32(byte & -byte);
    const width = 32 - Math.clz32(byte >> shift);
    if (byte === 0 || byte >> shift !== (1 << width) - 1) {
      throw new Error(`gen_bits: ${parts.join(".")} is not one run of bits within one byte`);
    }
    for (const [kind, value] of [["BITS", set[0] * 256 + shift], ["WIDTH", width]] as const) {
      const key = layoutKey([kind, ...parts]);
      if (layout.has(key)) throw new Error(`gen_bits: ${key} twice`);
      layout.set(key, value);
    }
  }
}

/** Compiles gen_constants.c with `cc` for `arch` (no linking) and reads the values. */
async function compile(dir: string, cc: string, arch: LinuxArch, flags: string[]): Promise<Generated> {
  const object = `${dir}/gen_constants_${arch}${flags.length ? "_alt" : ""}.o`;
  await run(cc, [
    "-std=gnu11",
    "-Wall",
    ...(Deno.env.get("CFLAGS") ?? "").split(/\s+/).filter((f) => f !== ""),
    ...flags,
    "-I",
    dir,
    "-I",
    new URL(".", TOOLS).pathname,
    "-c",
    new URL("gen_constants.c", TOOLS).pathname,
    "-o",
    object,
  ]);
  return readTable(await Deno.readFile(object), arch);
}

function diffTables(a: Tables, b: Tables): string[] {
  const out: string[] = [];
  for (const key of TABLE_NAMES) {
    const names = new Set([...a[key].keys(), ...b[key].keys()]);
    for (const name of names) {
      if (a[key].get(name) !== b[key].get(name)) {
        out.push(`${key}.${name}: ${a[key].get(name)} vs ${b[key].get(name)}`);
      }
    }
  }
  return out;
}

/** The compiler for `arch`: `$CC` or `cc` for this machine's, `$CC_<arch>` or `<triplet>-gcc` for others. */
function compilerFor(arch: LinuxArch, native: LinuxArch): string {
  const own = Deno.env.get(`CC_${arch}`);
  if (own) return own;
  return arch === native ? Deno.env.get("CC") ?? "cc" : `${TRIPLETS[arch]}-gcc`;
}

/** One architecture's tables and where they came from (the header line of its file). */
interface ArchTables {
  tables: Tables;
  source: string;
}

async function generateArch(
  dir: string,
  arch: LinuxArch,
  native: LinuxArch,
): Promise<ArchTables | undefined> {
  const cc = compilerFor(arch, native);
  if (!await runs(cc)) return undefined;
  const main = await compile(dir, cc, arch, []);
  if (main.bluez === "headers") {
    // Prove tools/bluez_abi.h says what BlueZ says, so that a machine (or a
    // cross sysroot) without libbluetooth-dev generates the same values.
    const abi = await compile(dir, cc, arch, ["-DGEN_NO_BLUEZ"]);
    const diff = diffTables(main.tables, abi.tables);
    if (diff.length) {
      throw new Error(
        `tools/bluez_abi.h disagrees with the BlueZ headers:\n  ${diff.join("\n  ")}`,
      );
    }
  }
  const version = (await run(cc, ["-dumpfullversion"])).trim();
  return { tables: main.tables, source: `${arch}: ${cc.split("/").pop()} ${version}` };
}

/** The committed tables of `os`/`arch` (its shared file and its own), for an architecture no compiler here targets. */
async function committedTables(os: string, arch: string): Promise<Tables> {
  const load = async (file: string) =>
    (await import(new URL(`${GEN_DIR}${file}.ts`, ROOT).href)) as Record<string, Record<string, number>>;
  const shared = await load(os);
  const own = await load(`${os}_${arch}`);
  const out: Tables = { CONSTANTS: new Map(), SYS: new Map(), LAYOUT: new Map() };
  for (const key of TABLE_NAMES) {
    for (const [name, value] of [...Object.entries(shared[key]), ...Object.entries(own[key])]) {
      out[key].set(name, value);
    }
  }
  return out;
}

async function generateLinux(
  names: { CONSTANTS: Entry[]; SYS: Entry[] },
  native: LinuxArch,
  keepMissing: boolean,
): Promise<Map<string, ArchTables>> {
  const dir = await Deno.makeTempDir({ prefix: "gen_constants_" });
  const out = new Map<string, ArchTables>();
  try {
    await Deno.writeTextFile(`${dir}/gen_names.h`, namesHeader(names));
    for (const arch of LINUX_ARCHES) {
      const made = await generateArch(dir, arch, native);
      if (made) {
        out.set(arch, made);
        continue;
      }
      const cc = compilerFor(arch, native);
      if (!keepMissing) {
        throw new Error(
          `No compiler for Linux ${arch}: ${cc} does not run. Install it (Debian: ` +
            `apt-get install gcc-${TRIPLETS[arch].replaceAll("_", "-")}), set CC_${arch}, ` +
            `or pass --keep-missing to keep the committed ${arch} values.`,
        );
      }
      console.error(`note: ${cc} does not run; Linux ${arch} values are the committed ones, not recompiled`);
      out.set(arch, { tables: await committedTables("linux", arch), source: `${arch}: committed values` });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return out;
}

/**
 * mkmerge's rule: a `(name, value)` pair that every architecture has goes to
 * the shared table, in the first architecture's order; each architecture
 * keeps the rest, in its own order.
 */
function mergeArches(perArch: Map<string, Tables>): { shared: Tables; own: Map<string, Tables> } {
  const all = [...perArch.values()];
  const shared: Tables = { CONSTANTS: new Map(), SYS: new Map(), LAYOUT: new Map() };
  for (const key of TABLE_NAMES) {
    for (const [name, value] of all[0][key]) {
      if (all.every((t) => t[key].get(name) === value)) shared[key].set(name, value);
    }
  }
  const own = new Map<string, Tables>();
  for (const [arch, t] of perArch) {
    const rest: Tables = { CONSTANTS: new Map(), SYS: new Map(), LAYOUT: new Map() };
    for (const key of TABLE_NAMES) {
      for (const [name, value] of t[key]) if (!shared[key].has(name)) rest[key].set(name, value);
    }
    own.set(arch, rest);
  }
  return { shared, own };
}

// ---------------------------------------------------------------------------
// macOS: tools/darwin_values.ts, and struct layouts computed from it

interface Laid {
  size: number;
  align: number;
  fields: Map<string, { offset: number; size: number; type: string }>;
}

function layoutDecls(
  decls: readonly StructDecl[],
  primitives: Readonly<Record<string, readonly [size: number, align: number]>>,
): Map<string, Laid> {
  const done = new Map<string, Laid>();
  const typeOf = (type: string): { size: number; align: number; base: string } => {
    const m = /^(.*?)(?:\[(\d+)\])?$/.exec(type.trim())!;
    const base = m[1].trim();
    const count = m[2] === undefined ? 1 : Number(m[2]);
    const tag = base.replace(/^(struct|union)\s+/, "");
    const prim = primitives[base];
    const sub = prim ? undefined : done.get(tag);
    if (!prim && !sub) throw new Error(`darwin_values: unknown type "${base}"`);
    const [size, align] = prim ?? [sub!.size, sub!.align];
    return { size: size * count, align, base: tag };
  };
  const up = (n: number, a: number) => Math.ceil(n / a) * a;
  for (const decl of decls) {
    const fields: Laid["fields"] = new Map();
    let end = 0;
    let align = 1;
    for (const [name, type] of decl.fields) {
      const t = typeOf(type);
      const fieldAlign = decl.packed ? 1 : t.align;
      const offset = decl.union ? 0 : up(end, fieldAlign);
      fields.set(name, { offset, size: t.size, type: t.base });
      end = decl.union ? Math.max(end, t.size) : offset + t.size;
      align = Math.max(align, fieldAlign);
    }
    done.set(decl.name, { size: up(end, align), align, fields });
  }
  return done;
}

function layoutName(kind: string, type: string, field?: string): string {
  return [kind, type, field].filter((s) => s !== undefined)
    .map((s) => s!.replaceAll(".", "_").toUpperCase()).join("_");
}

function darwinTables(names: { CONSTANTS: Entry[]; SYS: Entry[] }): Tables {
  const ordered = (values: Readonly<Record<string, number>>, entries: Entry[], what: string) => {
    const known = new Set(entries.map((e) => e.name));
    for (const name of Object.keys(values)) {
      if (!known.has(name)) {
        throw new Error(`tools/darwin_values.ts: ${what} ${name} is not in tools/names.txt`);
      }
    }
    return new Map(
      entries.filter((e) => e.name in values).map((e) => [e.name, values[e.name]]),
    );
  };
  const laid = layoutDecls(DARWIN.STRUCTS, DARWIN.PRIMITIVES);
  const layout: Table = new Map();
  for (const [name, value] of Object.entries(DARWIN.LAYOUT_HEAD)) layout.set(name, value);
  for (const decl of DARWIN.STRUCTS) {
    if (decl.internal) continue;
    const s = laid.get(decl.name)!;
    layout.set(layoutName("SIZEOF", decl.name), s.size);
    const emit = (field: string, path: string) => {
      let offset = 0;
      let cur: Laid | undefined = s;
      let size = 0;
      for (const part of path.split(".")) {
        const f = cur?.fields.get(part);
        if (!f) throw new Error(`darwin_values: ${decl.name} has no member ${path}`);
        offset += f.offset;
        size = f.size;
        cur = laid.get(f.type);
      }
      layout.set(layoutName("OFF", decl.name, field), offset);
      layout.set(layoutName("SIZEOF", decl.name, field), size);
    };
    for (const [field] of decl.fields) {
      if (!field.startsWith("_")) emit(field, field);
    }
    for (const [field, path] of Object.entries(decl.aliases ?? {})) emit(field, path);
  }
  for (const [name, value] of Object.entries(DARWIN.LAYOUT_TAIL)) layout.set(name, value);
  return {
    CONSTANTS: ordered(DARWIN.CONSTANTS, names.CONSTANTS, "CONSTANTS"),
    SYS: ordered(DARWIN.SYS, names.SYS, "SYS"),
    LAYOUT: layout,
  };
}

// ---------------------------------------------------------------------------
// Rendering

const TABLE_DOCS: Readonly<Record<keyof Tables, (where: string) => string>> = {
  CONSTANTS: (where) => `The socket module's public integer constants ${where}, by CPython name.`,
  SYS: (where) => `Internal numbers ${where} (errno, fcntl, poll, ioctl, ...), by C name; not exported publicly.`,
  LAYOUT: (where) =>
    `Sizes and offsets of the C types ${where}: SIZEOF_<STRUCT>, OFF_<STRUCT>_<FIELD>, SIZEOF_<STRUCT>_<FIELD>, ` +
    `BITS_<STRUCT>_<FIELD> (a bit-field's byte offset * 256 + bit shift) with WIDTH_<STRUCT>_<FIELD>, and flags.`,
};

function renderTable(name: keyof Tables, where: string, table: Table): string {
  const body = [...table].map(([k, v]) => `  ${k}: ${v},`).join("\n");
  return `/** ${TABLE_DOCS[name](where)} */\nexport const ${name} = {\n${body}\n} as const;\n`;
}

function renderTables(header: string, summary: string, where: string, tables: Tables): string {
  return [
    header,
    "/**",
    ` * ${summary}`,
    " *",
    " * `ffi/gen/mod.ts` merges this file with its OS's shared one (or its",
    " * architectures' own) and picks the platform this process runs on.",
    " *",
    " * @module",
    " */",
    "",
    ...TABLE_NAMES.map((name) => renderTable(name, where, tables[name])),
  ].join("\n");
}

/** The files of one OS: `<os>.ts` with the shared values, `<os>_<arch>.ts` with each architecture's own. */
function renderOs(
  os: string,
  label: string,
  perArch: Map<string, ArchTables>,
  header: (source: string) => string,
): Map<string, string> {
  const { shared, own } = mergeArches(new Map([...perArch].map(([arch, t]) => [arch, t.tables])));
  const sources = [...perArch.values()].map((t) => t.source).join("; ");
  const files = new Map<string, string>();
  files.set(
    `${GEN_DIR}${os}.ts`,
    renderTables(
      header(sources),
      `Constants and C struct layouts that every ${label} architecture shares (${[...perArch.keys()].join(", ")}).`,
      `on ${label}, every architecture`,
      shared,
    ),
  );
  for (const [arch, tables] of own) {
    files.set(
      `${GEN_DIR}${os}_${arch}.ts`,
      renderTables(
        header(perArch.get(arch)!.source),
        `What ${label} ${arch} has that not every ${label} architecture shares: ` +
          `a value that differs, or a name the others lack.`,
        `that only ${label} ${arch} has`,
        tables,
      ),
    );
  }
  return files;
}

/** One-line JSDoc for a public constant, chosen by prefix (longest first). */
const DOCS: ReadonlyArray<readonly [RegExp, (n: string) => string]> = [
  [/^AF_/, (n) => `Address family ${n} from <sys/socket.h>; see socket(2).`],
  [/^PF_/, (n) => `Protocol family ${n}, equal to the AF_ of the same name; see socket(2).`],
  [/^SOCK_(NONBLOCK|CLOEXEC)$/, (n) => `Flag ${n}, ORed into the type argument of socket(2).`],
  [/^SOCK_/, (n) => `Socket type ${n}; see socket(2).`],
  [/^SO_VM_/, (n) => `AF_VSOCK socket option ${n} at level AF_VSOCK; see vsock(7).`],
  [/^SO_J1939_/, (n) => `CAN_J1939 socket option ${n} at level SOL_CAN_J1939; see <linux/can/j1939.h>.`],
  [/^SO_(L2CAP|HCI|RFCOMM|SCO)_/, (n) => `Bluetooth socket option ${n}.`],
  [/^SOMAXCONN$/, (n) => `${n}, the largest backlog listen(2) accepts by default.`],
  [/^SO_/, (n) => `Socket option ${n} at level SOL_SOCKET; see socket(7).`],
  [/^SOL_/, (n) => `Option level ${n} for setsockopt(2) and getsockopt(2).`],
  [/^SCM_J1939_/, (n) => `CAN J1939 ancillary message type ${n}; see <linux/can/j1939.h>.`],
  [/^SCM_/, (n) => `Ancillary message type ${n} at level SOL_SOCKET; see unix(7).`],
  [/^MSG_/, (n) => `Flag ${n} for send(2) and recv(2).`],
  [/^IPPROTO_/, (n) => `IP protocol number ${n} from <netinet/in.h>; see ip(7).`],
  [/^IPPORT_/, (n) => `Port number ${n} from <netinet/in.h>.`],
  [/^INADDR_/, (n) => `IPv4 address ${n}, in host byte order, from <netinet/in.h>.`],
  [/^IPV6_/, (n) => `IPPROTO_IPV6 socket option or value ${n}; see ipv6(7).`],
  [/^IP_/, (n) => `IPPROTO_IP socket option or value ${n}; see ip(7).`],
  [/^TCP_/, (n) => `IPPROTO_TCP socket option ${n}; see tcp(7).`],
  [/^UDPLITE_/, (n) => `IPPROTO_UDPLITE socket option ${n}; see udplite(7).`],
  [/^EAI_/, (n) => `getaddrinfo(3) error ${n}, the errno of a gaierror.`],
  [/^AI_/, (n) => `getaddrinfo(3) flag ${n}.`],
  [/^NI_MAX/, (n) => `Buffer size ${n} for getnameinfo(3) results.`],
  [/^NI_/, (n) => `getnameinfo(3) flag ${n}.`],
  [/^SHUT_/, (n) => `How argument ${n} of shutdown(2).`],
  [/^NETLINK_/, (n) => `AF_NETLINK protocol ${n}; see netlink(7).`],
  [/^PACKET_/, (n) => `AF_PACKET packet type ${n}; see packet(7).`],
  [/^(ETH_P_|ETHERTYPE_)/, (n) => `Ethernet protocol number ${n}; see packet(7).`],
  [/^CAN_BCM_/, (n) => `CAN broadcast manager opcode or flag ${n} from <linux/can/bcm.h>.`],
  [/^CAN_RAW_/, (n) => `CAN_RAW socket option ${n} at level SOL_CAN_RAW; see <linux/can/raw.h>.`],
  [/^CAN_/, (n) => `AF_CAN constant ${n} from <linux/can.h>.`],
  [/^J1939_/, (n) => `CAN J1939 constant ${n} from <linux/can/j1939.h>.`],
  [/^TIPC_/, (n) => `AF_TIPC constant ${n} from <linux/tipc.h>.`],
  [/^ALG_/, (n) => `AF_ALG constant ${n} from <linux/if_alg.h>.`],
  [/^(VMADDR_|VM_SOCKETS_|IOCTL_VM_)/, (n) => `AF_VSOCK constant ${n}; see vsock(7).`],
  [/^(BTPROTO_|BT_|HCI_|L2CAP_|RFCOMM_|BDADDR_)/, (n) => `Bluetooth constant ${n} (BlueZ <bluetooth/*.h>).`],
  [/^RDS_/, (n) => `AF_RDS constant ${n} from <linux/rds.h>; see rds(7).`],
  [/^LOCAL_/, (n) => `AF_UNIX socket option ${n} at level SOL_LOCAL (BSD, macOS).`],
  [/^SYSPROTO_/, (n) => `AF_SYSTEM protocol ${n} (macOS kernel control sockets).`],
  [/^E[A-Z]+$/, (n) => `errno value ${n}, re-exported as Lib/socket.py does.`],
];

function docFor(name: string): string {
  for (const [re, text] of DOCS) if (re.test(name)) return text(name);
  return `Constant ${name} of CPython's socket module.`;
}

/** The enums of Lib/socket.py: IntEnum._convert_ by prefix. */
const ENUMS = [
  {
    name: "AddressFamily",
    prefix: "AF_",
    doc: "Address families (`AF_*`), as the `IntEnum` `socket.AddressFamily` of Lib/socket.py.",
  },
  {
    name: "SocketKind",
    prefix: "SOCK_",
    doc: "Socket types (`SOCK_*`), as the `IntEnum` `socket.SocketKind` of Lib/socket.py.",
  },
  {
    name: "MsgFlag",
    prefix: "MSG_",
    doc: "Flags of send(2) and recv(2) (`MSG_*`), as the `IntFlag` `socket.MsgFlag` of Lib/socket.py.",
  },
  {
    name: "AddressInfo",
    prefix: "AI_",
    doc: "getaddrinfo(3) flags (`AI_*`), as the `IntFlag` `socket.AddressInfo` of Lib/socket.py.",
  },
] as const;

/** The generated-file line and the module doc of a file under lib/, `doc` being its lines. */
function libHeader(doc: string[]): string[] {
  return [
    "// Code generated by tools/gen.ts from tools/names.txt and ffi/gen/. DO NOT EDIT.",
    "",
    "/**",
    ...doc.map((line) => line === "" ? " *" : ` * ${line}`),
    " *",
    " * @module",
    " */",
    "",
  ];
}

/**
 * One constant's declaration: a `number`, or for a family with an address
 * codec a `Family<"AF_...">` (a number that names its family, for a
 * `SocketType` generic in its family).
 */
function constantLine(name: string): string {
  if (!(FAMILY_NAMES as readonly string[]).includes(name)) return `export const ${name}: number = CONSTANTS.${name};`;
  return `export const ${name}: Family<"${name}"> = CONSTANTS.${name} as Family<"${name}">;`;
}

/** lib/constant_values.ts: one exported `number` per name (a `Family` for an address family), from CONSTANTS. */
function renderConstantValues(names: string[]): string {
  const out: string[] = [
    ...libHeader([
      "The integer constants of CPython's `socket` module, with the values of the",
      "platform this process runs on; `lib/constants.ts` re-exports them beside",
      "the four enums built from them.",
      "",
      "Every name any supported platform defines is exported; a name the running",
      "platform lacks (`AF_NETLINK` on macOS, `SO_NOSIGPIPE` on Linux, ...) is",
      "`undefined` there, as it is absent from CPython's module on that platform.",
    ]),
    'import { CONSTANTS } from "../ffi/gen/mod.ts";',
    'import type { Family } from "./addr/types.ts";',
    "",
    "/** Bluetooth address meaning any adapter (BlueZ `BDADDR_ANY`). */",
    'export const BDADDR_ANY: string = "00:00:00:00:00:00";',
    "/** Bluetooth address of the local adapter (BlueZ `BDADDR_LOCAL`). */",
    'export const BDADDR_LOCAL: string = "00:00:00:FF:FF:FF";',
    "/** Whether IPv6 is supported: CPython's compile-time `ENABLE_IPV6`, true on Linux and macOS. */",
    "export const has_ipv6: boolean = true;",
    "",
  ];
  for (const name of names) {
    out.push(`/** ${docFor(name)} */`);
    out.push(constantLine(name));
  }
  return out.join("\n") + "\n";
}

/** lib/constants.ts: the values re-exported, and the four enums over them. */
function renderConstants(names: string[]): string {
  const out: string[] = [
    ...libHeader([
      "The integer constants of CPython's `socket` module, with the values of the",
      "platform this process runs on, and its four enums.",
      "",
      "The constants live in `lib/constant_values.ts`; the enums below take",
      "their values from there, so that their public declarations reference only",
      "public names (and this module does not import itself).",
    ]),
    'import { CONSTANTS } from "../ffi/gen/mod.ts";',
    'import * as values from "./constant_values.ts";',
    "",
    'export * from "./constant_values.ts";',
    "",
  ];
  out.push("");
  for (const e of ENUMS) {
    const members = names.filter((n) =>
      n.startsWith(e.prefix) &&
      (e.name !== "SocketKind" ||
        ["SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_RDM", "SOCK_SEQPACKET", "SOCK_NONBLOCK", "SOCK_CLOEXEC"]
          .includes(n))
    );
    out.push(
      "/**",
      ` * ${e.doc}`,
      " *",
      " * Reverse-mapped as CPython names members: where two names share a value,",
      " * `AddressFamily[16]` gives the one `str()` gives in Python (`AF_NETLINK`,",
      " * not `AF_ROUTE`, on Linux). Members the platform lacks are absent.",
      " */",
      `export enum ${e.name} {`,
    );
    for (const m of members) {
      out.push(`  /** ${docFor(m)} */`);
      out.push(`  ${m} = values.${m},`);
    }
    out.push("}", "");
  }
  out.push(
    "/**",
    " * Makes an enum's runtime object match CPython's for this platform: drops",
    " * members whose constant is absent, and points each value back at the name",
    " * IntEnum._convert_ keeps (members sorted by value, then name; the first wins).",
    " */",
    "function settle(e: Record<string, unknown>, members: readonly string[]): void {",
    "  const canonical = new Map<number, string>();",
    "  for (const name of members) {",
    "    const value = (CONSTANTS as Readonly<Record<string, number | undefined>>)[name];",
    "    if (value === undefined) {",
    "      delete e[name];",
    "      continue;",
    "    }",
    "    const seen = canonical.get(value);",
    "    if (seen === undefined || name < seen) canonical.set(value, name);",
    "  }",
    '  delete e["undefined"];',
    "  for (const [value, name] of canonical) e[value] = name;",
    "}",
    "",
  );
  for (const e of ENUMS) {
    out.push(
      `settle(${e.name} as unknown as Record<string, unknown>, Object.keys(${e.name}).filter((k) => k.startsWith("${e.prefix}")));`,
    );
  }
  return out.join("\n") + "\n";
}

// ---------------------------------------------------------------------------

/** Formats TypeScript as `deno fmt` would, so the committed files pass `deno fmt --check`. */
async function format(text: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext=ts", "-"],
    cwd: new URL(".", ROOT).pathname,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await child.output();
  if (!out.success) {
    throw new Error(`deno fmt failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout);
}

async function uname(): Promise<string> {
  return (await run("uname", ["-srm"])).trim();
}

async function main(args: string[]): Promise<number> {
  const check = args.includes("--check");
  const keepMissing = check || args.includes("--keep-missing");
  if (Deno.build.os !== "linux") {
    console.error(
      "tools/gen.ts compiles tools/gen_constants.c for Linux and must run on Linux; " +
        "the macOS files come from tools/darwin_values.ts.",
    );
    return 2;
  }
  const nativeArch = Deno.build.arch as LinuxArch;
  if (!LINUX_ARCHES.includes(nativeArch)) {
    console.error(`tools/gen.ts: unsupported architecture ${Deno.build.arch}`);
    return 2;
  }
  const names = parseNames(
    await Deno.readTextFile(new URL("names.txt", TOOLS)),
  );
  const system = await uname();
  const linux = await generateLinux(names, nativeArch, keepMissing);
  const files = renderOs(
    "linux",
    "Linux",
    linux,
    (source) => `// Code generated by tools/gen.ts from tools/gen_constants.c on ${system} (${source}). DO NOT EDIT.`,
  );
  const darwinValues = darwinTables(names);
  const darwin = new Map(DARWIN_ARCHES.map((arch) => [arch, { tables: darwinValues, source: "" }]));
  for (
    const [path, text] of renderOs(
      "darwin",
      "macOS",
      darwin,
      () =>
        "// Code generated by tools/gen.ts from tools/darwin_values.ts (macOS headers, the same on both Macs). DO NOT EDIT.",
    )
  ) files.set(path, text);
  const all = new Set([
    ...[...linux.values()].flatMap((t) => [...t.tables.CONSTANTS.keys()]),
    ...darwinValues.CONSTANTS.keys(),
  ]);
  const union = names.CONSTANTS.map((e) => e.name).filter((n) => all.has(n));
  files.set("lib/constant_values.ts", renderConstantValues(union));
  files.set("lib/constants.ts", renderConstants(union));

  // The first line of a Linux file names the machine and compilers; --check ignores it.
  const body = (s: string) => s.slice(s.indexOf("\n") + 1);
  let stale = 0;
  for (const [path, raw] of files) {
    const url = new URL(path, ROOT);
    const text = await format(raw);
    if (check) {
      let old = "";
      try {
        old = await Deno.readTextFile(url);
      } catch {
        // missing: stale
      }
      if (body(old) !== body(text)) {
        console.error(`${path} is out of date: run deno run -A tools/gen.ts`);
        stale++;
      }
    } else {
      await Deno.writeTextFile(url, text);
      console.log(`wrote ${path}`);
    }
  }
  if (check && stale === 0) console.log(`${files.size} generated files are up to date`);
  return stale ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
