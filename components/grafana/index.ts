/**
 * Grafana through @pulumiverse/grafana: a `Backups` folder, the Velero, MinIO and Backup overview
 * dashboards, one alert rule group per backup path (same expressions as the PrometheusRules), and
 * an optional e-mail contact point the rules route to.
 */
import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import { AlertGroup } from "../lib/alerts";
import { OverviewArgs, minioDashboard, overviewDashboard, veleroDashboard } from "./dashboards";
import { grafanaRules } from "./rules";

export interface GrafanaArgs {
  folder: string;
  datasourceUid: string;
  runbookBaseUrl: string;
  groups: AlertGroup[];
  overview: Omit<OverviewArgs, "datasourceUid">;
  /** Addresses of an optional contact point. */
  contactEmails?: string[];
}

export class GrafanaBackups extends pulumi.ComponentResource {
  constructor(name: string, args: GrafanaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab-backups:index:Grafana", name, {}, opts);
    const child = { parent: this };
    const folder = new grafana.oss.Folder(`${name}-folder`, { title: args.folder, uid: "homelab-backups" }, child);
    const dashboards = [
      ...(args.overview.velero ? [veleroDashboard(args.datasourceUid)] : []),
      minioDashboard(args.datasourceUid),
      overviewDashboard({ ...args.overview, datasourceUid: args.datasourceUid }),
    ];
    for (const d of dashboards) {
      new grafana.oss.Dashboard(`${name}-${d.uid}`, { folder: folder.uid, configJson: JSON.stringify(d), overwrite: true }, child);
    }
    const contact = args.contactEmails?.length
      ? new grafana.alerting.ContactPoint(`${name}-contact`, { name: "homelab-backups", emails: [{ addresses: args.contactEmails }] }, child)
      : undefined;
    for (const group of args.groups.filter((g) => g.rules.length > 0)) {
      new grafana.alerting.RuleGroup(
        `${name}-${group.name}`,
        {
          name: group.name,
          folderUid: folder.uid,
          intervalSeconds: 60,
          rules: contact
            ? contact.name.apply((cp) => grafanaRules(group, { ...args, contactPoint: cp }))
            : grafanaRules(group, args),
        },
        child,
      );
    }
    this.registerOutputs({ folder: folder.uid });
  }
}
