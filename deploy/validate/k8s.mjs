// Validates Kubernetes manifests against the JSON schemas of the Kubernetes API (kubernetes-models,
// generated from the API's OpenAPI document and compiled with Ajv): types, required fields, enums,
// formats. Unknown fields are not reported (like kubeconform without -strict); DeployFilesTest
// checks the fields Nyx relies on by name.
//   node deploy/validate/k8s.mjs deploy/k8s/*.yaml
// Prints one line per object and exits 1 if any is invalid or of a kind it does not know.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

let failed = 0;
for (const file of process.argv.slice(2)) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  for (const [i, doc] of docs.entries()) {
    if (doc.errors.length > 0) {
      console.log(`${file} #${i}: YAML: ${doc.errors[0].message}`);
      failed++;
      continue;
    }
    const obj = doc.toJS();
    if (obj === null) continue;
    const where = `${file} #${i} ${obj.kind}/${obj.metadata?.name}`;
    try {
      const Model = await model(obj.apiVersion, obj.kind);
      new Model(obj).validate();
      console.log(`ok      ${where}`);
    } catch (e) {
      console.log(`INVALID ${where}: ${e.message}`);
      failed++;
    }
  }
}
process.exit(failed === 0 ? 0 : 1);

async function model(apiVersion, kind) {
  if (!/^[a-z0-9.]+(\/v[0-9a-z]+)?$/.test(apiVersion ?? "") || !/^[A-Z][A-Za-z]+$/.test(kind ?? "")) {
    throw new Error(`apiVersion "${apiVersion}" / kind "${kind}" is not a Kubernetes type`);
  }
  const path = `kubernetes-models/${apiVersion}/${kind}`;
  try {
    return (await import(path))[kind];
  } catch {
    throw new Error(`no schema for ${apiVersion} ${kind}`);
  }
}
