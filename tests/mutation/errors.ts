/**
 * Mutation-testing entry (errors): the test files that cover the mutated code, loaded in one
 * isolate so that each mutant costs one runtime start. See stryker.config.mjs and tests/README.md.
 *
 * @module
 */

import "../errno_class_test.ts";
import "../socket_test.ts";
import "../netdb_test.ts";
import "../bad_input_test.ts";
