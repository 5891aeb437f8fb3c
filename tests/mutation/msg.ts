/**
 * Mutation-testing entry (msg): the test files that cover the mutated code, loaded in one
 * isolate so that each mutant costs one runtime start. See stryker.config.mjs and tests/README.md.
 * Order matters: Deno runs the files' tests in import order and --fail-fast stops at the first
 * failure, so the fast files that kill most mutants come first.
 *
 * @module
 */

import "../msg_survivors_test.ts";
import "../msg_test.ts";
import "../boundary_test.ts";
import "../addr_scratch_test.ts";
import "../ancdata_test.ts";
import "../async_msg_test.ts";
import "../mmsg_test.ts";
import "../released_buffer_test.ts";
import "../hostile_test.ts";
import "../socket_test.ts";
import "../bad_input_test.ts";
