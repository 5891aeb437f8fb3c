/**
 * For profiling a W5–W7 server: `W5_EXIT_AFTER=seconds` ends the process
 * (with exit code 0, so that `--cpu-prof` writes its profile) after that
 * long; import it before the server. See bench/README.md, "Profiles".
 *
 * @module
 */

import process from "node:process";

const after = Number(process.env.W5_EXIT_AFTER ?? 0);
if (after > 0) setTimeout(() => process.exit(0), after * 1000);
