/**
 * Reads one section out of an ELF object file, for `tools/gen.ts`, which
 * compiles `tools/gen_constants.c` with `cc -c` (or a cross compiler) and
 * takes its values from the object instead of running a program.
 *
 * Only what that needs: 32- or 64-bit ELF, either byte order, section headers
 * and the section-name string table (System V ABI, "Sections").
 *
 * @module
 */

/** A section's bytes and what the ELF header says about the machine. */
export interface ElfSection {
  /** The section's contents. */
  bytes: Uint8Array;
  /** Byte order of the target: `true` for little-endian (`EI_DATA` = `ELFDATA2LSB`). */
  littleEndian: boolean;
  /** `e_machine`: 62 for x86_64 (`EM_X86_64`), 183 for aarch64 (`EM_AARCH64`). */
  machine: number;
}

/** `e_machine` of each Linux architecture the generator knows. */
export const ELF_MACHINES: Readonly<Record<string, number>> = { x86_64: 62, aarch64: 183 };

/**
 * Returns the contents of the section called `name` in the ELF object `file`.
 *
 * @param file the object file's bytes
 * @param name the section's name, as in `readelf -S`
 * @returns the section, with the target's byte order and machine
 * @throws {Error} if `file` is not ELF or has no such section
 */
export function elfSection(file: Uint8Array, name: string): ElfSection {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.length < 52 || v.getUint32(0) !== 0x7f454c46) throw new Error("not an ELF file");
  const is64 = file[4] === 2;
  const le = file[5] === 1;
  const word = (at: number) => is64 ? Number(v.getBigUint64(at, le)) : v.getUint32(at, le);
  const machine = v.getUint16(18, le);
  const shoff = word(is64 ? 0x28 : 0x20);
  const shentsize = v.getUint16(is64 ? 0x3a : 0x2e, le);
  const shnum = v.getUint16(is64 ? 0x3c : 0x30, le);
  const shstrndx = v.getUint16(is64 ? 0x3e : 0x32, le);
  const header = (i: number) => {
    const at = shoff + i * shentsize;
    return {
      name: v.getUint32(at, le),
      offset: word(at + (is64 ? 0x18 : 0x10)),
      size: word(at + (is64 ? 0x20 : 0x14)),
    };
  };
  const strings = header(shstrndx);
  const decoder = new TextDecoder();
  for (let i = 0; i < shnum; i++) {
    const h = header(i);
    const start = strings.offset + h.name;
    const end = file.indexOf(0, start);
    if (decoder.decode(file.subarray(start, end)) === name) {
      return { bytes: file.subarray(h.offset, h.offset + h.size), littleEndian: le, machine };
    }
  }
  throw new Error(`no section ${name}`);
}
