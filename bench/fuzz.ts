/**
 * `npm run fuzz [iterations] [seed]`: the long run of the request-decoding fuzzer
 * (src/main/protocol/fuzz.ts). CI runs a bounded version in test/main/protocol/fuzz.test.ts.
 * Exits non-zero and prints the offending inputs (hex) when a decode fails with anything
 * but a LogdockError.
 */
import { fuzzDecode } from '../src/main/protocol/fuzz';

const iterations = Number(process.argv[2] ?? 2_000_000);
const seed = Number(process.argv[3] ?? Date.now() % 1_000_000);
const started = Date.now();
const stats = fuzzDecode(iterations, seed);
const seconds = (Date.now() - started) / 1000;
console.log(
  `fuzz: seed ${seed}, ${stats.iterations} inputs in ${seconds.toFixed(1)} s: ${stats.decoded} decoded, ${stats.rejected} rejected cleanly, ${stats.findings.length} findings`,
);
for (const f of stats.findings.slice(0, 20)) console.log(`FINDING ${f.input}\n${f.error}\n`);
process.exitCode = stats.findings.length > 0 ? 1 : 0;
