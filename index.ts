/**
 * Composition root: validated config → providers → components → stack outputs.
 * Pulumi calls the exported function (as do the synth and the tests, after setting mocks), so
 * importing this module reads no config and creates nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "./config/load";
import { PATH_KEYS, PathKey } from "./components/lib/backup-paths";
import { HubTarget } from "./components/lib/kubernetes";
import { MinioHub } from "./components/minio-hub";
import { EtcdOffload } from "./components/etcd-offload";
import { PostgresBackup } from "./components/postgres-backup";
import { RgwMirror } from "./components/rgw-mirror";
import { createProviders } from "./components/providers";

async function main() {
  const loaded = loadConfig();
  const { config } = loaded;
  const providers = createProviders(loaded);
  const enabledPaths = PATH_KEYS.filter((key) => config.paths[key]);
  const k8sOpts = { providers: { kubernetes: providers.kubernetes } };

  const hub = new MinioHub(
    "hub",
    {
      bucketPrefix: config.hub.bucketPrefix,
      paths: enabledPaths,
      bucketOverrides: config.hub.buckets,
      retentionDays: config.retentionDays,
      expireCurrentObjects: config.hub.expireCurrentObjects,
    },
    { providers: { minio: providers.minio } },
  );
  const hubTarget = (key: PathKey): HubTarget => ({ endpoint: config.hub.endpoint, region: config.hub.region, bucket: hub.buckets[key]! });

  const { postgres, images } = config;
  if (config.paths.postgres && postgres && images.toolbox && images.scratchPostgres) {
    new PostgresBackup(
      "postgres",
      {
        namespace: config.namespaces.apps,
        timeZone: config.timeZone,
        schedules: { backup: config.schedules.postgresBackup, drill: config.schedules.postgresRestoreDrill },
        images: { toolbox: images.toolbox, scratchPostgres: images.scratchPostgres },
        hub: hubTarget("postgres"),
        writer: hub.writers.postgres!,
        postgres,
      },
      k8sOpts,
    );
  }

  if (config.paths.rgwMirror && config.rgwMirror && images.toolbox) {
    new RgwMirror(
      "rgw",
      {
        namespace: config.namespaces.apps,
        timeZone: config.timeZone,
        schedule: config.schedules.rgwMirror,
        image: images.toolbox,
        hub: hubTarget("rgwMirror"),
        writer: hub.writers.rgwMirror!,
        mirror: config.rgwMirror,
      },
      k8sOpts,
    );
  }

  const { etcdOffload } = config;
  if (config.paths.etcdOffload && etcdOffload && loaded.secrets.sshPrivateKey) {
    const { nodes, ...settings } = etcdOffload;
    new EtcdOffload("etcd", {
      nodes,
      sshPrivateKey: loaded.secrets.sshPrivateKey,
      hub: hubTarget("etcdOffload"),
      writer: hub.writers.etcdOffload!,
      settings,
    }, { providers: { command: providers.command } });
  }

  return {
    /** The hub endpoint every writer uses. */
    hubEndpoint: config.hub.endpoint,
    /** Bucket per enabled backup path. */
    buckets: hub.buckets,
    /** Writer credentials per path: `pulumi stack output --show-secrets writerCredentials`. */
    writerCredentials: pulumi.secret(hub.writers),
  };
}

export = main;
