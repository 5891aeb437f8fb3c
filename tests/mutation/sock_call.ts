/**
 * Mutation-testing entry (sock_call): the test files that cover the mutated code, loaded in one
 * isolate so that each mutant costs one runtime start. See stryker.config.mjs and tests/README.md.
 * Order matters: Deno runs the files' tests in import order and --fail-fast stops at the first
 * failure, so the fast files that kill most mutants come first.
 *
 * @module
 */

import "../sock_call_wait_test.ts";
import "../syscall_layer_test.ts";
import "../sock_call_test.ts";
import "../errno_class_test.ts";
import "../faults_test.ts";
import "../socket_test.ts";
import "../makefile_test.ts";
