/**
 * The Prometheus Operator CRDs are a prerequisite, not something this program installs (the
 * cluster's kube-prometheus-stack owns them). `pulumi preview` does not notice them missing, and
 * `pulumi up` then fails half-way, after the hub and the jobs exist. Reading them (`.get`) makes a
 * missing CRD fail preview and up before anything is created, naming the resource
 * `prometheus-operator-crd-<plural>`; every object that needs one depends on the read.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export const PROMETHEUS_OPERATOR_CRDS = ["servicemonitors.monitoring.coreos.com", "prometheusrules.monitoring.coreos.com"] as const;

export const crdResourceName = (crd: string) => `prometheus-operator-crd-${crd.split(".")[0]}`;

export function requirePrometheusOperatorCrds(provider: k8s.Provider): pulumi.Resource[] {
  return PROMETHEUS_OPERATOR_CRDS.map((crd) => k8s.apiextensions.v1.CustomResourceDefinition.get(crdResourceName(crd), crd, { provider }));
}
