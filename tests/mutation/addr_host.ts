/**
 * Mutation-testing entry (addr_host): the test files that cover the mutated code, loaded in one
 * isolate so that each mutant costs one runtime start. See stryker.config.mjs and tests/README.md.
 *
 * @module
 */

import "../convert_test.ts";
import "../netdb_test.ts";
