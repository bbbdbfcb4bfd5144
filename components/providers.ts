/**
 * The explicit providers, built in one place from validated stack config. Components receive them
 * through resource options; nothing falls back to an ambient default provider.
 */
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as minio from "@pulumi/minio";
import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import { LoadedConfig } from "../config/load";
import { StackConfig } from "../config/schema";

export interface Providers {
  kubernetes: k8s.Provider;
  minio: minio.Provider;
  /** SSH commands to nodes (no settings; connections are per resource). */
  command: command.Provider;
  /** Absent when the stack configures no Grafana. */
  grafana?: grafana.Provider;
}

/** MinIO provider settings for a hub endpoint (pure). */
export function minioServerSettings(hub: StackConfig["hub"]): { minioServer: string; minioSsl: boolean; minioInsecure: boolean; minioRegion: string } {
  const url = new URL(hub.endpoint);
  const ssl = url.protocol === "https:";
  const port = url.port || (ssl ? "443" : "80");
  return { minioServer: `${url.hostname}:${port}`, minioSsl: ssl, minioInsecure: ssl && !hub.tlsVerify, minioRegion: hub.region };
}

export function createProviders({ config, secrets }: LoadedConfig, opts?: pulumi.CustomResourceOptions): Providers {
  const kubernetes = new k8s.Provider(
    "kubernetes",
    { context: config.kubernetes.context, kubeconfig: config.kubernetes.kubeconfig },
    opts,
  );
  const hub = new minio.Provider(
    "minio",
    { ...minioServerSettings(config.hub), minioUser: secrets.hubAdminUser, minioPassword: secrets.hubAdminPassword },
    opts,
  );
  const grafanaProvider = config.grafana
    ? new grafana.Provider("grafana", { url: config.grafana.url, auth: secrets.grafanaAuth }, opts)
    : undefined;
  return { kubernetes, minio: hub, command: new command.Provider("command", {}, opts), grafana: grafanaProvider };
}
