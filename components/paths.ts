/**
 * Wires each enabled backup path's component from validated config, the hub and the providers.
 * One small function per path, so the composition root stays a list of calls.
 */
import { isIP } from "net";
import * as pulumi from "@pulumi/pulumi";
import { LoadedConfig } from "../config/load";
import { PathKey } from "./lib/backup-paths";
import { HubTarget } from "./lib/kubernetes";
import { EtcdOffload } from "./etcd-offload";
import { MinioHub } from "./minio-hub";
import { PostgresBackup } from "./postgres-backup";
import { Providers } from "./providers";
import { RgwMirror } from "./rgw-mirror";
import { Velero } from "./velero";
import { Volsync } from "./volsync";
import { etcdOffloadAlerts } from "./etcd-offload/alerts";
import { GrafanaBackups } from "./grafana";
import { AlertGroup } from "./lib/alerts";
import { minioAlerts } from "./minio-hub/alerts";
import { Monitoring } from "./monitoring";
import { postgresAlerts } from "./postgres-backup/alerts";
import { BACKUP_CRONJOB, DRILL_CRONJOB } from "./postgres-backup/manifests";
import { rgwMirrorAlerts } from "./rgw-mirror/alerts";
import { RGW_CRONJOB } from "./rgw-mirror";
import { veleroAlerts } from "./velero/alerts";
import { VELERO_SCHEDULE_OBJECT } from "./velero/values";
import { volsyncAlerts } from "./volsync/alerts";
import { HubStatus } from "./hub-status";
import { hubAlerts } from "./hub-status/alerts";
import { hubPaths } from "./hub-status/paths";

export interface PathContext {
  loaded: LoadedConfig;
  hub: MinioHub;
  providers: Providers;
  /** Reads of the Prometheus Operator CRDs; objects that need them depend on these. */
  prometheusCrds: pulumi.Resource[];
}

const hubTarget = ({ loaded: { config }, hub }: PathContext, key: PathKey): HubTarget => ({
  endpoint: config.hub.endpoint, region: config.hub.region, bucket: hub.buckets[key]!, caBundle: config.hub.caBundle,
});
const k8sOpts = (ctx: PathContext): pulumi.ComponentResourceOptions => ({ providers: { kubernetes: ctx.providers.kubernetes } });

export function postgresPath(ctx: PathContext): PostgresBackup | undefined {
  const { config } = ctx.loaded;
  const { postgres, images } = config;
  if (!config.paths.postgres || !postgres || !images.toolbox || !images.scratchPostgres) return undefined;
  return new PostgresBackup("postgres", {
    namespace: config.namespaces.apps,
    timeZone: config.timeZone,
    schedules: { backup: config.schedules.postgresBackup, drill: config.schedules.postgresRestoreDrill },
    images: { toolbox: images.toolbox, scratchPostgres: images.scratchPostgres },
    hub: hubTarget(ctx, "postgres"),
    writer: ctx.hub.writers.postgres!,
    postgres,
  }, k8sOpts(ctx));
}

export function rgwMirrorPath(ctx: PathContext): RgwMirror | undefined {
  const { config } = ctx.loaded;
  if (!config.paths.rgwMirror || !config.rgwMirror || !config.images.toolbox) return undefined;
  return new RgwMirror("rgw", {
    namespace: config.namespaces.apps,
    timeZone: config.timeZone,
    schedule: config.schedules.rgwMirror,
    image: config.images.toolbox,
    hub: hubTarget(ctx, "rgwMirror"),
    writer: ctx.hub.writers.rgwMirror!,
    mirror: config.rgwMirror,
  }, k8sOpts(ctx));
}

/** Half the retention, in seconds: the token's refresh interval (see etcd-offload.sh). */
export const tokenRefreshSeconds = (retentionDays: number): number => Math.floor((retentionDays * 86_400) / 2);

export function etcdOffloadPath(ctx: PathContext): EtcdOffload | undefined {
  const { config, secrets } = ctx.loaded;
  if (!config.paths.etcdOffload || !config.etcdOffload || !secrets.sshPrivateKey) return undefined;
  const { nodes, ...settings } = config.etcdOffload;
  return new EtcdOffload("etcd", {
    nodes,
    sshPrivateKey: secrets.sshPrivateKey,
    hub: hubTarget(ctx, "etcdOffload"),
    writer: ctx.hub.writers.etcdOffload!,
    // Re-upload the unchanged token at half the hub's expiry, so it is never expired away.
    settings: { ...settings, tokenRefreshSeconds: tokenRefreshSeconds(config.retentionDays) },
  }, { providers: { command: ctx.providers.command } });
}

export function veleroPath(ctx: PathContext): Velero | undefined {
  const { config } = ctx.loaded;
  if (!config.paths.velero) return undefined;
  return new Velero("velero", {
    namespace: config.namespaces.velero,
    chartVersion: config.versions.veleroChart,
    versions: { velero: config.versions.velero, awsPlugin: config.versions.veleroAwsPlugin },
    hub: { ...hubTarget(ctx, "velero"), verifyTls: config.hub.tlsVerify },
    writer: ctx.hub.writers.velero!,
    schedule: config.schedules.velero,
    timeZone: config.timeZone,
    retentionDays: config.retentionDays,
    velero: config.velero,
    selectorLabels: config.monitoring.selectorLabels,
    requires: ctx.prometheusCrds,
  }, k8sOpts(ctx));
}

export function volsyncPath(ctx: PathContext): Volsync | undefined {
  const { config, secrets } = ctx.loaded;
  if (!config.paths.volsync || !config.volsync || !config.images.toolbox || !secrets.kopiaPassword) return undefined;
  return new Volsync("volsync", {
    namespace: config.namespaces.volsync,
    timeZone: config.timeZone,
    versions: { chart: config.versions.volsyncChart, volsync: config.versions.volsync },
    defaultSchedule: config.schedules.volsync,
    image: config.images.toolbox,
    config: config.volsync,
    hub: hubTarget(ctx, "volsync"),
    writer: ctx.hub.writers.volsync!,
    kopiaPassword: secrets.kopiaPassword,
  }, k8sOpts(ctx));
}

/** Every enabled path's alert group (contract 4), in one list for Prometheus and Grafana alike. */
export function alertGroups(config: LoadedConfig["config"]): AlertGroup[] {
  const groups: AlertGroup[] = [
    minioAlerts(),
    hubAlerts({ restoreBudgetSeconds: config.monitoring.restoreBudgetSeconds, intervalSeconds: config.monitoring.hubExporterIntervalSeconds }),
  ];
  if (config.paths.velero) groups.push(veleroAlerts(VELERO_SCHEDULE_OBJECT));
  if (config.paths.postgres) groups.push(postgresAlerts(config.namespaces.apps));
  if (config.paths.rgwMirror) groups.push(rgwMirrorAlerts(config.namespaces.apps, RGW_CRONJOB));
  if (config.paths.etcdOffload) groups.push(etcdOffloadAlerts(config.etcdOffload?.textfileDir !== undefined));
  if (config.paths.volsync) {
    groups.push(volsyncAlerts({
      namespace: config.namespaces.volsync, stuckMinutes: config.volsync?.stuckRestore.thresholdMinutes, webUi: config.volsync?.webUi,
    }));
  }
  return groups;
}

export function observability(ctx: PathContext): void {
  const { config } = ctx.loaded;
  const groups = alertGroups(config);
  const hub = new URL(config.hub.endpoint);
  const scheme = hub.protocol === "https:" ? "https" : "http";
  new Monitoring("monitoring", {
    namespace: config.namespaces.monitoring,
    selectorLabels: config.monitoring.selectorLabels,
    runbookBaseUrl: config.monitoring.runbookBaseUrl,
    hub: {
      address: config.monitoring.hubAddress ?? hub.hostname, port: Number(hub.port || (scheme === "https" ? 443 : 80)), scheme, tlsVerify: config.hub.tlsVerify,
      serverName: scheme === "https" && isIP(hub.hostname) === 0 ? hub.hostname : undefined, caBundle: config.hub.caBundle,
    },
    bearerTokenSecret: config.monitoring.minioBearerTokenSecret,
    volsyncNamespace: config.paths.volsync ? config.namespaces.volsync : undefined,
    groups,
    requires: ctx.prometheusCrds,
  }, k8sOpts(ctx));
  if (config.images.toolbox) {
    new HubStatus("hub-status", {
      namespace: config.namespaces.monitoring,
      image: config.images.toolbox,
      hub: { endpoint: config.hub.endpoint, region: config.hub.region, caBundle: config.hub.caBundle },
      reader: ctx.hub.reader,
      paths: hubPaths(config),
      intervalSeconds: config.monitoring.hubExporterIntervalSeconds,
      selectorLabels: config.monitoring.selectorLabels,
      requires: ctx.prometheusCrds,
    }, k8sOpts(ctx));
  }
  if (!config.grafana || !ctx.providers.grafana) return;
  new GrafanaBackups("grafana", {
    folder: config.grafana.folder,
    datasourceUid: config.grafana.datasourceUid,
    runbookBaseUrl: config.monitoring.runbookBaseUrl,
    contactEmails: config.grafana.contactEmails,
    groups,
    overview: {
      velero: config.paths.velero ? { schedule: VELERO_SCHEDULE_OBJECT } : undefined,
      postgres: config.paths.postgres ? { namespace: config.namespaces.apps, backup: BACKUP_CRONJOB, drill: DRILL_CRONJOB } : undefined,
      rgwMirror: config.paths.rgwMirror ? { namespace: config.namespaces.apps, cronJob: RGW_CRONJOB } : undefined,
      etcdOffload: config.paths.etcdOffload && config.etcdOffload?.textfileDir !== undefined,
      volsync: config.paths.volsync,
    },
  }, { providers: { grafana: ctx.providers.grafana } });
}
