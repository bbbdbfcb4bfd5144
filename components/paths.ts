/**
 * Wires each enabled backup path's component from validated config, the hub and the providers.
 * One small function per path, so the composition root stays a list of calls.
 */
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

export interface PathContext {
  loaded: LoadedConfig;
  hub: MinioHub;
  providers: Providers;
}

const hubTarget = ({ loaded: { config }, hub }: PathContext, key: PathKey): HubTarget => ({
  endpoint: config.hub.endpoint, region: config.hub.region, bucket: hub.buckets[key]!,
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

export function etcdOffloadPath(ctx: PathContext): EtcdOffload | undefined {
  const { config, secrets } = ctx.loaded;
  if (!config.paths.etcdOffload || !config.etcdOffload || !secrets.sshPrivateKey) return undefined;
  const { nodes, ...settings } = config.etcdOffload;
  return new EtcdOffload("etcd", {
    nodes,
    sshPrivateKey: secrets.sshPrivateKey,
    hub: hubTarget(ctx, "etcdOffload"),
    writer: ctx.hub.writers.etcdOffload!,
    settings,
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
