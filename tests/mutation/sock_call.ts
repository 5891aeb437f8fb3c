/**
 * Mutation-testing entry (sock_call): the test files that cover the mutated code, loaded in one
 * isolate so that each mutant costs one runtime start. See stryker.config.mjs and tests/README.md.
 *
 * @module
 */

import "../socket_test.ts";
import "../faults_test.ts";
import "../errno_class_test.ts";
import "../makefile_test.ts";
import "../sock_call_test.ts";
import "../syscall_layer_test.ts";
