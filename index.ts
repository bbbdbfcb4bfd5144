/**
 * Composition root: validated config → providers → hub → one component per enabled backup path →
 * stack outputs. Pulumi calls the exported function (as do the synth and the tests, after setting
 * mocks), so importing this module reads no config and creates nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "./config/load";
import { PATH_KEYS } from "./components/lib/backup-paths";
import { MinioHub } from "./components/minio-hub";
import { etcdOffloadPath, observability, postgresPath, rgwMirrorPath, veleroPath, volsyncPath } from "./components/paths";
import { createProviders } from "./components/providers";
import { requirePrometheusOperatorCrds } from "./components/monitoring/crds";

async function main() {
  const loaded = loadConfig();
  const { config } = loaded;
  const providers = createProviders(loaded);

  const hub = new MinioHub(
    "hub",
    {
      bucketPrefix: config.hub.bucketPrefix,
      paths: PATH_KEYS.filter((key) => config.paths[key]),
      bucketOverrides: config.hub.buckets,
      retentionDays: config.retentionDays,
      expireCurrentObjects: config.hub.expireCurrentObjects,
    },
    { providers: { minio: providers.minio } },
  );

  const ctx = { loaded, hub, providers, prometheusCrds: requirePrometheusOperatorCrds(providers.kubernetes) };
  veleroPath(ctx);
  postgresPath(ctx);
  rgwMirrorPath(ctx);
  etcdOffloadPath(ctx);
  volsyncPath(ctx);
  observability(ctx);

  return {
    /** The hub endpoint every writer uses. */
    hubEndpoint: config.hub.endpoint,
    /** Bucket per enabled backup path. */
    buckets: hub.buckets,
    /** Writer credentials per path: `pulumi stack output --show-secrets writerCredentials`. */
    writerCredentials: pulumi.secret(hub.writers),
    /** The read-only hub user (hub exporter, `npm run status`): `pulumi stack output --show-secrets hubReader`. */
    hubReader: pulumi.secret(hub.reader),
  };
}

export = main;
