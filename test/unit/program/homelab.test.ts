/**
 * The real program under mocks with the homelab stack: the MinIO hub, providers and outputs.
 * runStack sets mocks before the program is imported; every assertion is on what the mock recorded.
 */
import * as pulumi from "@pulumi/pulumi";
import { hubPlan, readerPlan } from "../../../components/minio-hub";
import { RunResult, isSecretValue, revealSecrets } from "../../../tools/pulumi-mocks";
import { runStack } from "../../support/program";

let run: RunResult;
beforeAll(async () => {
  run = await runStack("homelab");
});

const T = {
  bucket: "minio:index/s3Bucket:S3Bucket",
  versioning: "minio:index/s3BucketVersioning:S3BucketVersioning",
  ilm: "minio:index/ilmPolicy:IlmPolicy",
  user: "minio:index/iamUser:IamUser",
  policy: "minio:index/iamPolicy:IamPolicy",
  attachment: "minio:index/iamUserPolicyAttachment:IamUserPolicyAttachment",
};

describe("MinIO hub in the homelab stack", () => {
  it("creates one private bucket per enabled path with the contract-3 names, never force-destroyed", () => {
    const buckets = run.recorder.byType(T.bucket);
    expect(buckets.map((b) => b.inputs.bucket).sort()).toEqual([
      "homelab-backup-etcd", "homelab-backup-postgres", "homelab-backup-rgw", "homelab-backup-velero",
    ]);
    for (const b of buckets) expect(b.inputs).toMatchObject({ acl: "private", forceDestroy: false });
  });

  it("turns versioning on for every bucket", () => {
    const versioning = run.recorder.byType(T.versioning);
    expect(versioning.map((v) => v.inputs.bucket).sort()).toEqual(run.recorder.byType(T.bucket).map((b) => b.inputs.bucket).sort());
    for (const v of versioning) expect(v.inputs.versioningConfiguration).toEqual({ status: "Enabled" });
  });

  it("gives each bucket exactly one lifecycle policy: 14-day noncurrent expiry everywhere, current expiry on dated artifacts", () => {
    const ilm = Object.fromEntries(run.recorder.byType(T.ilm).map((p) => [p.inputs.bucket as string, p.inputs.rules]));
    expect(Object.keys(ilm).sort()).toEqual(["homelab-backup-etcd", "homelab-backup-postgres", "homelab-backup-rgw", "homelab-backup-velero"]);
    const expireAll = [{ id: "expire-after-retention", expiration: "14d", noncurrentVersionExpirationDays: 14 }];
    const noncurrentOnly = [{ id: "expire-noncurrent-versions", noncurrentVersionExpirationDays: 14 }];
    expect(ilm["homelab-backup-postgres"]).toEqual(expireAll);
    expect(ilm["homelab-backup-etcd"]).toEqual(expireAll);
    expect(ilm["homelab-backup-velero"]).toEqual(noncurrentOnly);
    expect(ilm["homelab-backup-rgw"]).toEqual(noncurrentOnly);
  });

  it("creates one user, one policy and one attachment per writer and for the hub reader, wired to each other", () => {
    const users = run.recorder.byType(T.user).map((u) => u.inputs.name).sort();
    expect(users).toEqual([
      "homelab-backup-etcd-offload", "homelab-backup-hub-reader", "homelab-backup-postgres-backup", "homelab-backup-rgw-mirror", "homelab-backup-velero",
    ]);
    const policyOf = (u: unknown) => (u === "homelab-backup-hub-reader" ? `${u}-read` : `${u}-write`);
    const policies = run.recorder.byType(T.policy).map((p) => p.inputs.name).sort();
    expect(policies).toEqual(users.map(policyOf));
    const attachments = run.recorder.byType(T.attachment).map((a) => `${a.inputs.userName}->${a.inputs.policyName}`).sort();
    expect(attachments).toEqual(users.map((u) => `${u}->${policyOf(u)}`));
  });

  it("gives the hub reader exactly the pure reader plan's policy: list and read the served buckets", () => {
    const plan = hubPlan({ bucketPrefix: "homelab-backup", paths: ["velero", "postgres", "rgwMirror", "etcdOffload"], retentionDays: 14 });
    const recorded = run.recorder.byType(T.policy).find((p) => p.inputs.name === "homelab-backup-hub-reader-read");
    expect(JSON.parse(recorded?.inputs.policy as string)).toEqual(readerPlan({ bucketPrefix: "homelab-backup" }, plan).policy);
  });

  it("registers exactly the policy documents the pure plan builds (what the simulator tests prove)", () => {
    const plan = hubPlan({ bucketPrefix: "homelab-backup", paths: ["velero", "postgres", "rgwMirror", "etcdOffload"], retentionDays: 14 });
    const recorded = Object.fromEntries(run.recorder.byType(T.policy).map((p) => [p.inputs.name, JSON.parse(p.inputs.policy as string)]));
    for (const p of plan) expect(recorded[p.policyName]).toEqual(p.policy);
  });

  it("names children ${name}-<role> under the hub component", () => {
    expect(run.recorder.one("homelab-backups:index:MinioHub", "hub").parent).toBe("homelab-backups-homelab");
    for (const type of Object.values(T)) {
      for (const r of run.recorder.byType(type)) {
        expect(r.parent).toBe("hub");
        expect(r.name).toMatch(/^hub-((velero|postgres|rgw|etcd)-(bucket|versioning|lifecycle|writer|policy|attachment)|reader(-policy|-attachment)?)$/);
      }
    }
  });
});

describe("providers", () => {
  it("builds the MinIO provider from the hub endpoint with the admin credentials as secrets", () => {
    const p = run.recorder.one("pulumi:providers:minio", "minio").inputs;
    expect(p).toMatchObject({ minioServer: "10.10.10.209:9000", minioSsl: "false", minioRegion: "us-east-1" });
    expect(isSecretValue(p.minioUser)).toBe(true);
    expect(isSecretValue(p.minioPassword)).toBe(true);
    expect(revealSecrets(p.minioPassword)).toBe("placeholder-hubAdminPassword");
  });

  it("builds the Kubernetes provider for the stack's context and the Grafana provider with secret auth", () => {
    expect(run.recorder.one("pulumi:providers:kubernetes", "kubernetes").inputs.context).toBe("homelab");
    const g = run.recorder.one("pulumi:providers:grafana", "grafana").inputs;
    expect(g.url).toBe("http://grafana.monitoring.svc.cluster.local");
    expect(isSecretValue(g.auth)).toBe(true);
  });

  it("hands the hub's resources the explicit MinIO provider, never a default one", () => {
    const providers = run.recorder.resources.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => r.name).sort();
    expect(providers).toEqual(["command", "grafana", "kubernetes", "minio"]);
  });
});

describe("stack outputs", () => {
  it("exports the buckets and the writer credentials, the credentials only as secrets", async () => {
    expect(await pulumi.isSecret(run.returned.writerCredentials as pulumi.Output<unknown>)).toBe(true);
    const creds = run.outputs.writerCredentials as Record<string, { accessKeyId: string; secretAccessKey: string }>;
    expect(Object.keys(creds).sort()).toEqual(["etcdOffload", "postgres", "rgwMirror", "velero"]);
    expect(creds.postgres.accessKeyId).toBe("homelab-backup-postgres-backup");
    expect(creds.postgres.secretAccessKey).toBe("mock-generated-secret-for-hub-postgres-writer");
    expect(run.outputs.hubEndpoint).toBe("http://10.10.10.209:9000");
  });
});
