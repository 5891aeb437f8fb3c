/**
 * Mutation-testing entry (msg): the test files that cover the mutated code, loaded in one
 * isolate so that each mutant costs one runtime start. See stryker.config.mjs and tests/README.md.
 *
 * @module
 */

import "../msg_test.ts";
import "../bad_input_test.ts";
import "../socket_test.ts";
