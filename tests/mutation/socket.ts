/**
 * Mutation-testing entry (socket): the test files that cover the mutated code, loaded in one
 * isolate so that each mutant costs one runtime start. See stryker.config.mjs and tests/README.md.
 * Order matters: Deno runs the files' tests in import order and --fail-fast stops at the first
 * failure, so the fast files that kill most mutants come first.
 *
 * @module
 */

import "../socket_head_test.ts";
import "../socket_tail_test.ts";
import "../buffer_messages_test.ts";
import "../socket_mutants_test.ts";
import "../socket_test.ts";
import "../makefile_test.ts";
import "../sockopt_test.ts";
import "../bad_input_test.ts";
import "../sendfile_test.ts";
import "../mmsg_test.ts";
import "../sock_call_test.ts";
import "../vsock_opt_test.ts";
import "../socket_survivors_test.ts";
import "../async_mode_test.ts";
