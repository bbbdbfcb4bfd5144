/** The etcd offload's payload script (pushed to each control-plane node with backup-lib.sh). */
import * as path from "path";

export const ETCD_OFFLOAD_SCRIPT = path.join(__dirname, "etcd-offload.sh");
export const ETCD_SCRIPTS = [ETCD_OFFLOAD_SCRIPT];
