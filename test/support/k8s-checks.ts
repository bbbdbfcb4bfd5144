/**
 * Checks every rendered Kubernetes object of a program run: schema validity (kubernetes-models),
 * the CronJob safety fields of contract 3, and that no secret value sits in plain sight.
 */
import { VOLSYNC_SCHEMAS } from "../../components/volsync/crd";
import { RecordedResource, revealSecrets } from "../../tools/pulumi-mocks";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Kubernetes objects (not providers, components or Helm releases) with secrets revealed. */
export function kubernetesObjects(resources: RecordedResource[]): Obj[] {
  return resources
    .filter((r) => r.custom && !r.read && r.type.startsWith("kubernetes:") && r.type !== "kubernetes:helm.sh/v3:Release")
    .map((r) => revealSecrets(r.inputs) as Obj);
}

/** The kubernetes-models class for an object, or undefined when none is known. */
export function modelFor(apiVersion: string, kind: string): (new (data: Obj) => { validate(): void }) | undefined {
  const group = apiVersion === "v1" ? "v1" : apiVersion;
  const pkg = apiVersion.startsWith("monitoring.coreos.com/") ? "@kubernetes-models/prometheus-operator" : "kubernetes-models";
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(`${pkg}/${group}/${kind}`) as Obj)[kind];
  } catch {
    return undefined;
  }
}

export function validationError(o: Obj): string | undefined {
  if (typeof o.apiVersion === "string" && o.apiVersion.startsWith("volsync.backube/") && VOLSYNC_SCHEMAS[o.kind]) {
    const result = VOLSYNC_SCHEMAS[o.kind].safeParse(o);
    return result.success ? undefined : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  }
  const Model = modelFor(o.apiVersion, o.kind);
  if (!Model) return `no schema known for ${o.apiVersion} ${o.kind}`;
  try {
    new Model(o).validate();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Every container of a pod spec, init (sidecar) containers included. */
export function containersOf(podSpec: Obj): Obj[] {
  return [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? [])];
}

/** Problems with a CronJob against contract 3 (empty when it complies). */
export function cronJobProblems(cj: Obj, timeZone: string): string[] {
  const p: string[] = [];
  const s = cj.spec ?? {};
  const job = s.jobTemplate?.spec ?? {};
  const pod = job.template?.spec ?? {};
  if (cj.metadata.name.length > 52) p.push("name longer than 52 characters");
  if (s.concurrencyPolicy !== "Forbid") p.push("concurrencyPolicy is not Forbid");
  if (!(s.startingDeadlineSeconds > 0)) p.push("no startingDeadlineSeconds");
  if (!(job.activeDeadlineSeconds > 0)) p.push("no activeDeadlineSeconds");
  if (typeof job.backoffLimit !== "number") p.push("no backoffLimit");
  if (s.timeZone !== timeZone) p.push(`timeZone ${s.timeZone} is not ${timeZone}`);
  if (typeof s.successfulJobsHistoryLimit !== "number" || typeof s.failedJobsHistoryLimit !== "number") p.push("no history limits");
  if (pod.restartPolicy !== "Never") p.push("restartPolicy is not Never");
  for (const c of containersOf(pod)) {
    for (const side of ["requests", "limits"]) {
      for (const res of side === "requests" ? ["cpu", "memory", "ephemeral-storage"] : ["memory", "ephemeral-storage"]) {
        if (!c.resources?.[side]?.[res]) p.push(`container ${c.name}: no ${side}.${res}`);
      }
    }
    if (c.securityContext?.readOnlyRootFilesystem !== true) p.push(`container ${c.name}: root filesystem not read-only`);
    if (c.securityContext?.allowPrivilegeEscalation !== false) p.push(`container ${c.name}: privilege escalation allowed`);
    if (c.securityContext?.runAsNonRoot !== true && pod.securityContext?.runAsNonRoot !== true) p.push(`container ${c.name}: may run as root`);
  }
  return p;
}

/** Plain-text places (ConfigMap data, env values, command lines) that contain one of `secrets`. */
export function secretLeaks(objects: Obj[], secrets: string[]): string[] {
  const leaks: string[] = [];
  const scan = (where: string, text: unknown) => {
    for (const s of secrets) if (typeof text === "string" && text.includes(s)) leaks.push(`${where} contains a secret`);
  };
  for (const o of objects) {
    const id = `${o.kind}/${o.metadata?.name}`;
    if (o.kind === "ConfigMap") for (const [k, v] of Object.entries(o.data ?? {})) scan(`${id} data.${k}`, v);
    const pod = o.spec?.jobTemplate?.spec?.template?.spec ?? o.spec?.template?.spec;
    for (const c of pod ? containersOf(pod) : []) {
      for (const e of c.env ?? []) {
        scan(`${id} ${c.name} env ${e.name}`, e.value);
        if (/PASSWORD|SECRET|TOKEN/.test(e.name) && e.value !== undefined) leaks.push(`${id} ${c.name} env ${e.name} is a plain value`);
      }
      for (const a of [...(c.command ?? []), ...(c.args ?? [])]) scan(`${id} ${c.name} argv`, a);
    }
  }
  return leaks;
}
