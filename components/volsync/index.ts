/**
 * Volsync with the Kopia mover (perfectra1n fork): the operator release in `volsync-system`, per
 * opted-in app a Kopia repository Secret, ReplicationSource `<app>-src` and ReplicationDestination
 * `<app>-dst` (after the operator, so its CRDs exist), the namespace annotation the movers need,
 * and the maintenance CronJobs (verifier, stuck-restore detector) plus the optional Kopia web UI.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { VolsyncConfig } from "../../config/cluster-schema";
import { HubTarget, labels, scriptsConfigMap } from "../lib/kubernetes";
import { scriptBundle } from "../lib/scripts";
import {
  DETECTOR_RULES,
  RepositoryArgs,
  STUCK_CRONJOB,
  VOLSYNC_CHART,
  VOLSYNC_REPO,
  kopiaSecret,
  kopiaUiDeployment,
  kopiaUiService,
  operatorValues,
  replicationDestination,
  replicationSource,
  resolveApp,
  stuckRestoreCronJob,
  verifyCronJob,
} from "./manifests";
import { VOLSYNC_SCRIPTS } from "./scripts";

export interface VolsyncArgs {
  /** Namespace of the operator and the maintenance jobs (`volsync-system`); created here. */
  namespace: string;
  timeZone: string;
  /** Chart version of the fork and the controller/mover image version. */
  versions: { chart: string; volsync: string };
  /** Default schedule of every app (`0 * * * *`). */
  defaultSchedule: string;
  /** Toolbox image (bash, jq, curl, kopia) for the maintenance jobs. */
  image: string;
  config: VolsyncConfig;
  hub: HubTarget;
  writer: RepositoryArgs["writer"];
  /** Kopia repository password (secret). */
  kopiaPassword: pulumi.Input<string>;
}

export class Volsync extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: VolsyncArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab-backups:index:Volsync", name, {}, opts);
    const child = { parent: this };
    const ns = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: args.namespace, labels: labels("volsync", "namespace") } }, child);
    this.release = new k8s.helm.v3.Release(
      `${name}-operator`,
      {
        name: "volsync",
        chart: VOLSYNC_CHART,
        version: args.versions.chart,
        repositoryOpts: { repo: VOLSYNC_REPO },
        namespace: ns.metadata.name,
        values: operatorValues(args.versions.volsync),
        atomic: true,
      },
      child,
    );

    const repo: RepositoryArgs = { config: args.config, hub: args.hub, password: args.kopiaPassword, writer: args.writer };
    const apps = args.config.apps.map((a) => resolveApp(a, args.defaultSchedule));
    const afterOperator = { ...child, dependsOn: [this.release] };
    for (const namespace of [...new Set(apps.map((a) => a.namespace))]) {
      // Movers run as each app's own uid (moverSecurityContext), so they need no privilege.
      new k8s.core.v1.NamespacePatch(
        `${name}-${namespace}-movers`,
        { metadata: { name: namespace, annotations: { "volsync.backube/privileged-movers": "false" } } },
        child,
      );
    }
    for (const app of apps) {
      const id = `${name}-${app.namespace}-${app.app}`;
      const secret = new k8s.core.v1.Secret(`${id}-kopia`, kopiaSecret(app.secretName, app.namespace, repo), child);
      const crOpts = { ...afterOperator, dependsOn: [this.release, secret] };
      new k8s.apiextensions.CustomResource(`${id}-src`, replicationSource(app, args.config), crOpts);
      new k8s.apiextensions.CustomResource(`${id}-dst`, replicationDestination(app, args.config), crOpts);
    }

    const repositorySecret = new k8s.core.v1.Secret(`${name}-maintenance-kopia`, kopiaSecret("volsync-maintenance-kopia", args.namespace, repo), child);
    const scripts = new k8s.core.v1.ConfigMap(
      `${name}-scripts`,
      scriptsConfigMap("volsync-scripts", args.namespace, scriptBundle(VOLSYNC_SCRIPTS), labels("volsync", "scripts")),
      { ...child, dependsOn: [ns] },
    );
    const sa = new k8s.core.v1.ServiceAccount(`${name}-detector-sa`, { metadata: { name: STUCK_CRONJOB, namespace: ns.metadata.name, labels: labels(STUCK_CRONJOB, "detector") } }, child);
    const role = new k8s.rbac.v1.ClusterRole(`${name}-detector-role`, { metadata: { name: "homelab-backups-volsync-stuck-restore", labels: labels(STUCK_CRONJOB, "detector") }, rules: DETECTOR_RULES }, child);
    new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-detector-binding`,
      {
        metadata: { name: "homelab-backups-volsync-stuck-restore", labels: labels(STUCK_CRONJOB, "detector") },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace: args.namespace }],
      },
      child,
    );
    const maintenance = {
      namespace: args.namespace, timeZone: args.timeZone, image: args.image, configMap: scripts.metadata.name, config: args.config,
      apps, hub: args.hub, repositorySecret: repositorySecret.metadata.name, serviceAccount: sa.metadata.name,
    };
    new k8s.batch.v1.CronJob(`${name}-verify`, verifyCronJob(maintenance), { ...child, dependsOn: [repositorySecret, scripts] });
    new k8s.batch.v1.CronJob(`${name}-stuck-restore`, stuckRestoreCronJob(maintenance), { ...child, dependsOn: [scripts] });
    if (args.config.webUi) {
      new k8s.apps.v1.Deployment(`${name}-kopia-ui`, kopiaUiDeployment(maintenance), { ...child, dependsOn: [repositorySecret, scripts] });
      new k8s.core.v1.Service(`${name}-kopia-ui`, kopiaUiService(args.namespace), { ...child, dependsOn: [ns] });
    }
    this.registerOutputs({ release: this.release.name });
  }
}
