#!/usr/bin/env -S node --max-semi-space-size=4
// The flags above are keyhouse's Node settings, used by `keyhouse` (this file,
// run through its first line) and `npm start`: a young generation of 2 x 4 MB
// instead of 2 x 16 MB keeps the server's memory about 25-40 MB lower at no
// measured cost in throughput (docs/benchmarks.md). `node bin/keyhouse.js`
// bypasses them.
import { main } from "../dist/cli/main.js";

await main(process.argv);
