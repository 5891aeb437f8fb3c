"use strict";
// Type tests for lib/addr/types.ts (issue 15 item 4, a draft not yet wired
// into lib/socket.ts). `deno check tests/types_test.ts` is the real test:
// every line under `// @ts-expect-error` must fail to type-check (else the
// directive itself is an error), and every other line must check. The
// node:test cases run the same idioms against a stand-in socket, generic in
// its family as SocketType would be, so the file also runs under both
// runtimes.
Object.defineProperty(exports, "__esModule", { value: true });
var node_test_1 = require("node:test");
var assert = require("node:assert/strict");
/** A stand-in socket that remembers where it "connected" and names itself `name`. */
function fake(name) {
    var s = {
        connect: function (address) {
            s.peer = address;
        },
        getsockname: function () { return name; },
    };
    return s;
}
/** Stands in for create_connection(address): takes any AF_INET or AF_INET6 address. */
function createConnection(address) {
    return address;
}
(0, node_test_1.test)("types: Python's address idioms type-check and run", function () {
    var srv = fake(["127.0.0.1", 8080]);
    var _a = srv.getsockname(), host = _a[0], port = _a[1];
    var h = host;
    var p = port;
    assert.deepEqual([h, p], ["127.0.0.1", 8080]);
    assert.deepEqual(createConnection(srv.getsockname()), ["127.0.0.1", 8080]);
    var cli = fake(["127.0.0.1", 5000]);
    cli.connect(srv.getsockname());
    cli.connect(["localhost", 80]);
    cli.connect([new TextEncoder().encode("127.0.0.1"), 80]);
    var six = fake(["::1", 80, 0, 0]);
    var _b = six.getsockname(), h6 = _b[0], p6 = _b[1], flowinfo = _b[2], scope = _b[3];
    assert.deepEqual([h6, p6, flowinfo, scope], ["::1", 80, 0, 0]);
    six.connect(["::1", 80]);
    six.connect(["fe80::1", 80, 0, 2]);
    var full = six.getsockname();
    assert.equal(full.length, 4);
    var unix = fake("/tmp/s");
    unix.connect("/run/x.sock");
    unix.connect(new Uint8Array([0, 97]));
    var name = unix.getsockname();
    assert.equal(name, "/tmp/s");
    var j1939 = ["can0", 0x123456789abcdef0n, 0x0ef00, 0x80];
    var isotp = ["vcan0", 0x123, 0x456];
    var nl = [0, 0];
    var vm = [2, 1234];
    var tipc = [2, 1000, 1, 0];
    var alg = ["hash", "sha256"];
    var hci = [0];
    var packet = ["lo", 0x0800];
    var packetBack = ["lo", 0x0800, 0, 772, new Uint8Array(6)];
    var asInput = packetBack;
    var any = [j1939, isotp, nl, vm, tipc, alg, hci, packet, asInput, "/tmp/s"];
    assert.equal(any.length, 10);
});
(0, node_test_1.test)("types: misuse fails to type-check (each line carries @ts-expect-error)", function () {
    var cli = fake(["127.0.0.1", 5000]);
    // @ts-expect-error: an AF_INET address is a pair, not [host]
    cli.connect(["127.0.0.1"]);
    // @ts-expect-error: host first, then port
    cli.connect([8080, "127.0.0.1"]);
    // @ts-expect-error: the port is a number
    cli.connect(["127.0.0.1", "80"]);
    // @ts-expect-error: an AF_INET socket takes no AF_UNIX path
    cli.connect("/tmp/s");
    // @ts-expect-error: AF_INET's result has two fields, not four
    var _a = cli.getsockname(), flowinfo = _a[2];
    // @ts-expect-error: the J1939 NAME is 64 bits, so a bigint, not a number
    var j1939 = ["can0", 1, 0, 0];
    // @ts-expect-error: AF_INET6 takes at most four fields
    var six = ["::1", 0, 0, 0, 0];
    // @ts-expect-error: a result has every field; ["::1", 80] is only an input
    var sixBack = ["::1", 80];
    // @ts-expect-error: [pid, groups]
    var nl = [1];
    // @ts-expect-error: a path is text or bytes
    var unix = 5;
    // @ts-expect-error: AF_PACKET's addr is bytes
    var packet = ["lo", 0, 0, 0, "aa:bb"];
    // @ts-expect-error: a PacketAddressResult carries all five fields
    var packetBack = ["lo", 0];
    assert.deepEqual([flowinfo, j1939, six, sixBack, nl, unix, packet, packetBack].length, 8);
});
(0, node_test_1.test)("types: the Address union alone cannot reject [\"127.0.0.1\"], which is why sockets must be generic", function () {
    // ["127.0.0.1"] is a valid AF_CAN address ([interface]), so only a socket
    // that knows its family (Sock<"AF_INET"> above) can refuse it.
    var a = ["127.0.0.1"];
    assert.deepEqual(a, ["127.0.0.1"]);
});
