/**
 * The Postgres path: hub credentials Secret, content-hashed scripts ConfigMap, the daily backup
 * CronJob and the weekly restore-drill CronJob. A thin component over ./manifests.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HubTarget, hubCredentialsSecret, labels, scriptsConfigMap, withHubCa } from "../lib/kubernetes";
import { scriptBundle } from "../lib/scripts";
import { BACKUP_CRONJOB, DRILL_CRONJOB, PostgresJobsArgs, backupCronJob, drillCronJob } from "./manifests";
import { POSTGRES_SCRIPTS } from "./scripts";

export interface PostgresBackupArgs {
  /** Namespace of the cluster's PostgreSQL and of these jobs (`apps` in homelab). */
  namespace: string;
  /** IANA time zone of both schedules. */
  timeZone: string;
  /** Cron schedules: backup daily (02:30), drill weekly (Sun 03:00) in homelab. */
  schedules: { backup: string; drill: string };
  /** Toolbox and scratch PostgreSQL images, pinned by digest. */
  images: { toolbox: string; scratchPostgres: string };
  /** Hub endpoint, the postgres bucket and region. */
  hub: HubTarget;
  /** The postgres-backup writer's credentials (secrets). */
  writer: { accessKeyId: pulumi.Input<string>; secretAccessKey: pulumi.Input<string> };
  /** Connection, password Secret, key prefix, drill expectations and sizes (see config postgres.*). */
  postgres: PostgresJobsArgs["postgres"];
}

export class PostgresBackup extends pulumi.ComponentResource {
  public readonly backupCronJob: k8s.batch.v1.CronJob;
  public readonly drillCronJob: k8s.batch.v1.CronJob;

  constructor(name: string, args: PostgresBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab-backups:index:PostgresBackup", name, {}, opts);
    const child = { parent: this };
    const common = labels(BACKUP_CRONJOB, "backup");
    const secret = new k8s.core.v1.Secret(
      `${name}-hub-credentials`,
      hubCredentialsSecret(`${BACKUP_CRONJOB}-hub`, args.namespace, args.writer, common),
      child,
    );
    const scripts = new k8s.core.v1.ConfigMap(
      `${name}-scripts`,
      scriptsConfigMap(`${BACKUP_CRONJOB}-scripts`, args.namespace, withHubCa(scriptBundle(POSTGRES_SCRIPTS), args.hub), labels(BACKUP_CRONJOB, "scripts")),
      child,
    );
    const jobArgs: PostgresJobsArgs = {
      namespace: args.namespace,
      labels: { backup: common, drill: labels(DRILL_CRONJOB, "restore-drill") },
      timeZone: args.timeZone,
      schedules: args.schedules,
      images: args.images,
      scriptsConfigMap: scripts.metadata.name,
      hub: args.hub,
      hubSecret: secret.metadata.name,
      postgres: args.postgres,
    };
    this.backupCronJob = new k8s.batch.v1.CronJob(`${name}-backup`, backupCronJob(jobArgs), { ...child, dependsOn: [secret, scripts] });
    this.drillCronJob = new k8s.batch.v1.CronJob(`${name}-restore-drill`, drillCronJob(jobArgs), { ...child, dependsOn: [secret, scripts] });
    this.registerOutputs({ backupCronJob: this.backupCronJob.metadata.name, drillCronJob: this.drillCronJob.metadata.name });
  }
}
