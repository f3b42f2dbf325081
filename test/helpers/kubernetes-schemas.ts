// Validates Kubernetes manifests against the published schemas (kubernetes-models and its CRD packages).
import { parseAllDocuments } from 'yaml';

/** A parsed manifest: at least apiVersion, kind and metadata.name. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: unknown) => Validatable;

/** The module that holds the model classes of one apiVersion. */
function modelModule(apiVersion: string): string {
  if (apiVersion.startsWith('helm.toolkit.fluxcd.io/') || apiVersion.startsWith('source.toolkit.fluxcd.io/')) {
    return `@kubernetes-models/flux-cd/${apiVersion}`;
  }
  if (apiVersion.startsWith('bitnami.com/')) return `@kubernetes-models/sealed-secrets/${apiVersion}`;
  return `kubernetes-models/${apiVersion}`;
}

/** Throws, naming the document, when it is not a valid object of its apiVersion and kind (or the kind is unknown). */
export async function validateManifest(manifest: Manifest): Promise<void> {
  const where = `${manifest.kind ?? '?'} ${manifest.metadata?.name ?? '?'}`;
  if (typeof manifest.apiVersion !== 'string' || typeof manifest.kind !== 'string') throw new Error(`${where}: no apiVersion or kind`);
  let models: Record<string, unknown>;
  try {
    models = (await import(modelModule(manifest.apiVersion))) as Record<string, unknown>;
  } catch {
    throw new Error(`${where}: no schema for apiVersion ${manifest.apiVersion}`);
  }
  const Model = models[manifest.kind] as ModelClass | undefined;
  if (typeof Model !== 'function') throw new Error(`${where}: no schema for kind ${manifest.kind} in ${manifest.apiVersion}`);
  try {
    new Model(manifest).validate();
  } catch (error) {
    throw new Error(`${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Every non-empty YAML document of a text, parsed strictly (a YAML error throws). */
export function parseManifests(text: string, source: string): Manifest[] {
  return parseAllDocuments(text).flatMap((doc, index) => {
    if (doc.errors.length > 0) throw new Error(`${source} document ${index}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    return value === null || value === undefined ? [] : [value as Manifest];
  });
}
