"use strict";
/**
 * Precise address types, one per family, as the codecs of `lib/addr/` take
 * and return them (API.md, "Addresses"). A DRAFT for issue 15 item 4: not yet
 * used by `lib/socket.ts`; `tests/types_test.ts` pins what they accept.
 *
 * Two types per family where they differ: what a call takes (`...Address`,
 * readonly, optional fields optional, any bytes-like object where CPython
 * takes bytes) and what a call returns (`...AddressResult`, every field
 * present, as `getsockname()` and `accept()` give it). A result is always
 * assignable to its family's input, so `create_connection(srv.getsockname())`
 * and `const [host, port] = s.getsockname()` check.
 *
 * {@linkcode AddressIn} and {@linkcode AddressOut} map a family's name to its
 * types, for a `SocketType` generic in its family (see `FamilyName`).
 *
 * @module
 */
Object.defineProperty(exports, "__esModule", { value: true });
