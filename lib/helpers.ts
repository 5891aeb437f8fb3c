/**
 * What `Lib/socket.py` builds on top of the socket object:
 * `create_connection`, `create_server`, `has_dualstack_ipv6`.
 *
 * @module
 */

import { CONSTANTS } from "../ffi/gen/mod.ts";
import type { Address, AddressFor, Family, InetAddress, PlainFamily, SocketFamily } from "./addr/types.ts";
import { isOptions, params } from "./args.ts";
import { OSError, ValueError } from "./errors.ts";
import { getaddrinfo } from "./netdb.ts";
import { pyRepr } from "./repr.ts";
import { parseTimeout, socket, type SocketType } from "./socket.ts";
import { arity, arityKw, FUNCTIONS } from "./signatures.ts";

const { AF_INET, AF_INET6, SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR, IPPROTO_IPV6, IPV6_V6ONLY } = CONSTANTS;
const SO_REUSEPORT = CONSTANTS.SO_REUSEPORT;

/** Python's keyword arguments for {@linkcode create_connection}. */
export interface CreateConnectionOptions {
  /** Seconds, `null` for blocking; left out, the default timeout applies. */
  timeout?: number | null;
  /** An address to bind to before connecting, e.g. `["", 0]`. */
  source_address?: Address | null;
  /** Raise every attempt's error in an `AggregateError` instead of the last one. */
  all_errors?: boolean;
}

/**
 * Connects a TCP socket to `[host, port]`, trying each address
 * `getaddrinfo` returns until one connects.
 *
 * @param address `[host, port]`.
 * @param args `timeout`, `source_address`, positional or as an options object (also `all_errors`).
 * @returns The connected socket.
 * @throws {OSError} The last attempt's error (an `AggregateError` of all of them with `all_errors`).
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * using server = socket.create_server(["127.0.0.1", 0]);
 * using client = socket.create_connection(server.getsockname(), { timeout: 5 });
 * console.assert(client.getpeername()[1] === server.getsockname()[1]);
 * ```
 */
export function create_connection(
  address: readonly [host: string | null, port: number | string],
  ...args:
    | [timeout?: number | null, source_address?: Address | null]
    | [options: CreateConnectionOptions]
    | [timeout: number | null, options: CreateConnectionOptions]
): SocketType<"AF_INET" | "AF_INET6">;
export function create_connection(
  address: readonly [string | null, number | string],
  ...args: [(number | null)?, (Address | null)?] | [...unknown[], CreateConnectionOptions]
): SocketType {
  arityKw(FUNCTIONS.create_connection, arguments);
  const [timeout, source, allErrors] = args.length > 0 && isOptions(args[args.length - 1])
    ? params(FUNCTIONS.create_connection, ["timeout", "source_address", "all_errors"], args)
    : args;
  if (!Array.isArray(address)) throw new TypeError("create_connection() address must be a pair (host, port)");
  // As Python's `host, port = address`.
  if (address.length < 2) throw new ValueError(`not enough values to unpack (expected 2, got ${address.length})`);
  if (address.length > 2) throw new ValueError("too many values to unpack (expected 2)");
  // The timeout is checked before any name is resolved or socket made.
  if (timeout !== undefined) parseTimeout(timeout);
  const [host, port] = address;
  const errors: unknown[] = [];
  for (const [af, type, proto, , sa] of getaddrinfo(host, port, 0, SOCK_STREAM)) {
    let sock: SocketType | undefined;
    try {
      sock = socket(af, type, proto);
      if (timeout !== undefined) sock.settimeout(timeout as number | null);
      if (source) sock.bind(source as Address);
      sock.connect(sa);
      return sock;
    } catch (e) {
      sock?.close();
      if (!(e instanceof OSError)) throw e;
      if (!allErrors) errors.length = 0;
      errors.push(e);
    }
  }
  if (errors.length === 0) throw new OSError("getaddrinfo returns an empty list");
  if (allErrors) throw new AggregateError(errors, "create_connection failed");
  throw errors[0];
}

/** Python's keyword arguments for {@linkcode create_server}. */
export interface CreateServerOptions {
  /** `AF_INET` (default) or `AF_INET6`. */
  family?: number;
  /** The `listen()` backlog; left out, `listen()`'s default. */
  backlog?: number | null;
  /** Set `SO_REUSEPORT`, so several sockets can bind the same port. */
  reuse_port?: boolean;
  /** With `AF_INET6`, accept IPv4 connections too. */
  dualstack_ipv6?: boolean;
}

/**
 * A TCP socket bound to `address` and listening, with `SO_REUSEADDR` set.
 *
 * @param address `[host, port]`.
 * @param options Python's keyword arguments.
 * @returns The listening socket.
 * @throws {ValueError} When `reuse_port` or `dualstack_ipv6` is not available.
 * @throws {OSError} When binding fails, with the address in the message.
 */
export function create_server(
  address: InetAddress,
  options?: CreateServerOptions & { family?: Family<"AF_INET"> },
): SocketType<"AF_INET">;
/**
 * A TCP socket of the family `options.family` names (`AF_INET6`,
 * `AF_UNIX`, ...), bound to `address` and listening, with `SO_REUSEADDR` set.
 *
 * @param address The family's address, such as `[host, port, flowinfo?, scope_id?]` for `AF_INET6`.
 * @param options Python's keyword arguments, with `family`.
 * @returns The listening socket.
 * @throws {ValueError} When `reuse_port` or `dualstack_ipv6` is not available.
 * @throws {OSError} When binding fails, with the address in the message.
 */
export function create_server<F extends SocketFamily>(
  address: NoInfer<AddressFor<F>>,
  options: CreateServerOptions & { family: Family<F> },
): SocketType<F>;
/**
 * A TCP socket bound to `address` and listening, with `SO_REUSEADDR` set,
 * of a family given as a plain `number`.
 *
 * @param address `[host, port]` or `[host, port, flowinfo?, scope_id?]`.
 * @param options Python's keyword arguments.
 * @returns The listening socket.
 * @throws {ValueError} When `reuse_port` or `dualstack_ipv6` is not available.
 * @throws {OSError} When binding fails, with the address in the message.
 */
export function create_server(
  address: Address,
  options?: CreateServerOptions & { family?: PlainFamily },
): SocketType;
export function create_server(address: Address, options: CreateServerOptions = {}): SocketType {
  arityKw(FUNCTIONS.create_server, arguments);
  const { family = AF_INET, backlog = null, reuse_port = false, dualstack_ipv6 = false } = options;
  if (reuse_port && SO_REUSEPORT === undefined) throw new ValueError("SO_REUSEPORT not supported on this platform");
  if (dualstack_ipv6) {
    if (!has_dualstack_ipv6()) throw new ValueError("dualstack_ipv6 not supported on this platform");
    if (family !== AF_INET6) throw new ValueError("dualstack_ipv6 requires AF_INET6 family");
  }
  const sock = socket(family, SOCK_STREAM);
  try {
    try {
      sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
    } catch (e) {
      if (!(e instanceof OSError)) throw e;
    }
    if (reuse_port) sock.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1);
    if (family === AF_INET6) sock.setsockopt(IPPROTO_IPV6, IPV6_V6ONLY, dualstack_ipv6 ? 0 : 1);
    try {
      sock.bind(address);
    } catch (e) {
      if (!(e instanceof OSError) || e.errno === null) throw e;
      throw new OSError(e.errno, `${e.strerror} (while attempting to bind on address ${pyRepr(address)})`);
    }
    if (backlog === null) sock.listen();
    else sock.listen(backlog);
    return sock;
  } catch (e) {
    sock.close();
    throw e;
  }
}

/**
 * Whether an `AF_INET6` socket can also accept IPv4 connections
 * (`IPV6_V6ONLY` can be cleared).
 */
export function has_dualstack_ipv6(): boolean {
  arity(FUNCTIONS.has_dualstack_ipv6, arguments.length);
  try {
    using sock = socket(AF_INET6, SOCK_STREAM);
    sock.setsockopt(IPPROTO_IPV6, IPV6_V6ONLY, 0);
    return true;
  } catch (e) {
    if (e instanceof OSError) return false;
    throw e;
  }
}
