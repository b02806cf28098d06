// Minifies the runtime sources (src/coursepack/runtime/*.js) into
// src/coursepack/runtime/min/, which the packages ship. Run it after editing the
// runtime: `node scripts/minify.mjs`. The minified files are committed, so
// `pip install .` needs no Node; tests/test_runtime_minified.py checks they are the
// build of the current sources.
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { transformSync } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "src", "coursepack", "runtime");
const target = join(source, "min");
mkdirSync(target, { recursive: true });

export function minify(code) {
  return transformSync(code, { minify: true, target: "es2017", legalComments: "none", charset: "utf8" }).code;
}

const only = process.argv.includes("--check");
let stale = 0;
for (const name of readdirSync(source).filter((n) => n.endsWith(".js")).sort()) {
  const built = minify(readFileSync(join(source, name), "utf8"));
  const path = join(target, name);
  if (only) {
    let current = "";
    try { current = readFileSync(path, "utf8"); } catch { current = ""; }
    if (current !== built) { console.error(`stale: runtime/min/${name}`); stale += 1; }
  } else {
    writeFileSync(path, built);
  }
}
process.exit(stale ? 1 : 0);
