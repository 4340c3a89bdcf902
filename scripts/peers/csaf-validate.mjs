// The official BSI CSAF 2.0 validator library (@secvisogram/csaf-validator-lib), run on
// files: its `basic` preset (the strict schema and every mandatory test of section 6.1).
// Usage: node csaf-validate.mjs FILE...   Prints one JSON line per file:
//   {"file": F, "valid": bool, "ms": T, "failed": {"<test name>": [{"instancePath", "message"}]}}
// (T: milliseconds to parse and validate that file, Node's start-up and imports excluded)
// Exit code 0 when every file is valid, 1 otherwise. CSAF_VALIDATOR_LIB names the library.
import fs from 'node:fs'
import path from 'node:path'

const root = process.env.CSAF_VALIDATOR_LIB
if (!root) { console.error('set CSAF_VALIDATOR_LIB to the library directory'); process.exit(2) }
const validate = (await import(path.join(root, 'validate.js'))).default
const tests = Object.values(await import(path.join(root, 'basic.js')))
let invalid = 0
for (const file of process.argv.slice(2)) {
  const text = fs.readFileSync(file, 'utf8')
  const t0 = performance.now()
  const result = await validate(tests, JSON.parse(text))
  const ms = performance.now() - t0
  const failed = {}
  for (const t of result.tests) if (!t.isValid) failed[t.name] = t.errors.slice(0, 5)
  if (!result.isValid) invalid++
  console.log(JSON.stringify({ file, valid: result.isValid, ms: Math.round(ms * 10) / 10, failed }))
}
process.exit(invalid ? 1 : 0)
