// Validates every object of the rendered base and overlays, as `kubectl kustomize` renders them,
// against the published schemas: the Kubernetes API (npm kubernetes-models) and Argo Workflows
// (npm @kubernetes-models/argo-workflows), both generated from the upstream OpenAPI definitions.
// Each object is checked twice:
//   1. by the model's own validator (types, enums, formats, required fields), and
//   2. by TypeScript against the model's interface, as an object literal, whose excess-property
//      check rejects every field the schema does not define, at any depth.
// Prints one line per failure and a tally; exits 1 when anything fails.
//   node validate.mjs            (from k8s/validate, after npm ci)
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { parseAllDocuments } from "yaml";

const HERE = dirname(fileURLToPath(import.meta.url));
const K8S = resolve(HERE, "..");

// What an operator applies (the overlays) and what `dalle submit --job` renders (their jobs/), and
// the base they are made of.
const SETS = [
  "base",
  "base/jobs",
  "overlays/gke-v100",
  "overlays/gke-v100/jobs",
  "overlays/cpu",
  "overlays/cpu/jobs",
  "overlays/cpu/jobs-multi-pod",
];

// Kinds no package registry publishes a schema for: Argo Events ships its CRDs with
// x-kubernetes-preserve-unknown-fields and no npm models. ArgoTemplatesTest checks them
// structurally; they are counted apart here, never silently passed.
const NO_PUBLISHED_SCHEMA = new Set(["argoproj.io/v1alpha1 EventSource", "argoproj.io/v1alpha1 Sensor"]);

function kubectl() {
  const probe = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
  if (probe.error) {
    console.error(
      "validate: kubectl not found; it renders the kustomizations as an operator would." +
        " Install the Debian package kubectl (apt-get install kubectl).",
    );
    process.exit(1);
  }
}

/** The module path of a kind's model, or null when no package here has one. */
function modelPath(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "argoproj.io") {
    return NO_PUBLISHED_SCHEMA.has(`${apiVersion} ${kind}`)
      ? null
      : `@kubernetes-models/argo-workflows/argoproj.io/${version}/${kind}`;
  }
  return group === "" ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`;
}

kubectl();
const objects = [];
for (const set of SETS) {
  const yaml = execFileSync("kubectl", ["kustomize", join(K8S, set)], { encoding: "utf8" });
  for (const doc of parseAllDocuments(yaml)) {
    if (doc.errors.length > 0) {
      throw new Error(`${set}: ${doc.errors[0].message}`);
    }
    const object = doc.toJS();
    if (object) {
      objects.push({ set, object, name: `${set}: ${object.kind} ${object.metadata?.name}` });
    }
  }
}

const failures = [];
const unvalidated = [];
const checked = [];
for (const entry of objects) {
  const { apiVersion, kind } = entry.object;
  const path = modelPath(apiVersion, kind);
  if (path === null) {
    unvalidated.push(entry);
    continue;
  }
  let module;
  try {
    module = await import(path);
  } catch (e) {
    failures.push(`${entry.name}: no published schema for ${apiVersion} ${kind} (${e.code ?? e.message})`);
    continue;
  }
  const Model = module[kind];
  try {
    new Model(entry.object).validate();
  } catch (e) {
    failures.push(`${entry.name}: ${e.message.replace(/\s+/g, " ")}`);
  }
  entry.path = path;
  checked.push(entry);
}

// One TypeScript file: each object as a literal typed by its model's interface.
const lines = [];
const owners = []; // [first line, last line, entry]
checked.forEach((entry, i) => {
  lines.push(`import type { I${entry.object.kind} as T${i} } from "${entry.path}";`);
});
checked.forEach((entry, i) => {
  const first = lines.length;
  lines.push(...`export const o${i}: T${i} = ${JSON.stringify(entry.object, null, 2)};`.split("\n"));
  owners.push([first, lines.length - 1, entry]);
});
const out = join(HERE, ".rendered");
mkdirSync(out, { recursive: true });
const file = join(out, "objects.mts");
writeFileSync(file, lines.join("\n") + "\n");
const program = ts.createProgram([file], {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
});
const source = program.getSourceFile(file);
for (const d of ts.getPreEmitDiagnostics(program)) {
  const message = ts.flattenDiagnosticMessageText(d.messageText, " ");
  if (d.file === source && d.start !== undefined) {
    const { line } = source.getLineAndCharacterOfPosition(d.start);
    const owner = owners.find(([a, b]) => line >= a && line <= b);
    const field = lines[line].trim().slice(0, 80);
    failures.push(`${owner ? owner[2].name : "objects.mts"}: at \`${field}\`: ${message}`);
  } else {
    failures.push(`${d.file?.fileName ?? "typescript"}: ${message}`);
  }
}

for (const f of failures) {
  console.error("FAIL " + f);
}
console.log(
  `validate: ${objects.length} objects rendered from ${SETS.length} kustomizations;` +
    ` ${checked.length} validated strictly against published schemas (Kubernetes, Argo Workflows),` +
    ` ${failures.length} failures; ${unvalidated.length} with no published schema (` +
    [...new Set(unvalidated.map((e) => e.object.kind))].join(", ") +
    ", checked by the Java tests only).",
);
process.exit(failures.length > 0 ? 1 : 0);
