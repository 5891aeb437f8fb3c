/**
 * Mutation-testing entry (addr_host): the test files that cover the mutated code, loaded in one
 * isolate so that each mutant costs one runtime start. See stryker.config.mjs and tests/README.md.
 * Order matters: Deno runs the files' tests in import order and --fail-fast stops at the first
 * failure, so the fast files that kill most mutants come first.
 *
 * @module
 */

import "../addr/inet_test.ts";
import "../addr/inet6_test.ts";
import "../addr/survivors_test.ts";
import "../convert_test.ts";
import "../netdb_test.ts";
