/**
 * Namespaces the program creates and therefore owns: `pulumi destroy` deletes them with everything
 * in them. Such a namespace must not double as one the operator owns (apps, monitoring) or as
 * another owned one, or destroying the backups would delete the cluster's apps (pure).
 */
import { PathKey } from "../components/lib/backup-paths";

export const NAMESPACE_DEFAULTS = { apps: "apps", velero: "velero", monitoring: "monitoring", volsync: "volsync-system" } as const;
type NamespaceKey = keyof typeof NAMESPACE_DEFAULTS;

/** Namespace key → the path whose component creates that namespace. */
export const OWNED_NAMESPACES: Partial<Record<NamespaceKey, PathKey>> = { velero: "velero", volsync: "volsync" };

export function namespaceProblems(raw: unknown, enabled: PathKey[]): string[] {
  const given = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  const ns = Object.fromEntries(
    (Object.keys(NAMESPACE_DEFAULTS) as NamespaceKey[]).map((k) => [k, typeof given[k] === "string" ? given[k] : NAMESPACE_DEFAULTS[k]]),
  ) as Record<NamespaceKey, string>;
  const problems: string[] = [];
  for (const [key, path] of Object.entries(OWNED_NAMESPACES) as [NamespaceKey, PathKey][]) {
    if (!enabled.includes(path)) continue;
    const clash = (Object.keys(ns) as NamespaceKey[]).find((other) => other !== key && ns[other] === ns[key]);
    if (clash) {
      problems.push(
        `namespaces.${key}: "${ns[key]}" is also namespaces.${clash}; the program creates and owns namespaces.${key}, ` +
          "so pulumi destroy would delete it with everything in it — give it a namespace of its own",
      );
    }
  }
  return problems;
}
