// Three projects: `unit` (Pulumi mocks, pure builders, policy simulation, synth), `payload` (scripts
// and helpers against real PostgreSQL, etcd, rclone, zstd and s3rver) and `rgw` (the writers'
// scripts, versioning and lifecycle against a real Ceph RGW).
const transform = { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" }, sourceMaps: "inline" }] };
const common = {
  transform,
  testEnvironment: "node",
  // Jest 30 cleans up globals between files; Pulumi keeps state on globals.
  testEnvironmentOptions: { globalsCleanup: "off" },
  moduleFileExtensions: ["ts", "js", "json"],
  // removes the temp directories a test file created (servers remove their own on stop)
  setupFilesAfterEnv: ["<rootDir>/test/support/cleanup.ts", "<rootDir>/test/support/quiet-warnings.ts"],
};
// Projects whose tests start real servers: 30 s per test by default (test/support/server-timeout.ts).
const serverTests = { ...common, setupFilesAfterEnv: [...common.setupFilesAfterEnv, "<rootDir>/test/support/server-timeout.ts"] };
module.exports = {
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/test/unit/**/*.test.ts"] },
    { ...serverTests, displayName: "payload", testMatch: ["<rootDir>/test/payload/**/*.test.ts"], slowTestThreshold: 30 },
    // every writer's script as its least-privilege user against a real Ceph RGW (test/support/rgw.ts)
    { ...serverTests, displayName: "rgw", testMatch: ["<rootDir>/test/rgw/**/*.test.ts"], slowTestThreshold: 90 },
  ],
};
