// Validates Kubernetes manifests (YAML, several documents; a file named as the argument, or stdin) against the JSON
// schemas that kubernetes-models 5.1.0 generates from Kubernetes 1.34's OpenAPI document. Exit 0: every document valid.
// Usage: kubectl kustomize deploy/k8s | node deploy/k8s-schema/validate.mjs
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const problems = [];
let checked = 0;
for (const document of parseAllDocuments(readFileSync(process.argv[2] ?? 0, "utf8"))) {
  const manifest = document.toJS();
  if (!manifest) continue;
  const name = `${manifest.kind ?? "?"}/${manifest.metadata?.name ?? "?"}`;
  let model;
  try {
    model = (await import(`kubernetes-models/${manifest.apiVersion}`))[manifest.kind];
  } catch {
    model = undefined;
  }
  if (!model) {
    problems.push(`${name}: no schema for ${manifest.apiVersion} ${manifest.kind}`);
    continue;
  }
  try {
    new model(manifest).validate();
    checked++;
  } catch (error) {
    problems.push(`${name}: ${error.message}`);
  }
}
for (const problem of problems) console.error(problem);
console.log(`${checked} valid, ${problems.length} invalid`);
process.exit(problems.length === 0 && checked > 0 ? 0 : 1);
